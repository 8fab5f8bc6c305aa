import type { Log } from './types.js';

/** One JSON object per line on stdout, so CloudWatch keeps each line whole and queryable. */
export const writeJsonLog: Log = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};
