import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** A folder of `npm run build`'s output; a clear error when the build has not run. */
export function distPath(folder: string): string {
  const path = `${DIST}${folder}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first`);
  return path;
}
