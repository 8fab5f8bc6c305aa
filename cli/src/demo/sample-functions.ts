import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One of the demo's functions: a sample from examples/, as the sandbox hosts it. */
export interface SampleFunction {
  name: string;
  runtime: string;
  /** Relative to examples/, which is the functions' code folder and `plldb debug --code`. */
  handler: string;
  /** Set before attach, so the demo can show that detach restores it. */
  timeout: number;
  environment: Record<string, string>;
}

export const SAMPLE_FUNCTIONS: readonly SampleFunction[] = [
  { name: 'plldb-demo-python', runtime: 'python3.12', handler: 'python/app.handler', timeout: 10, environment: { GREETING_STYLE: 'friendly' } },
  { name: 'plldb-demo-node', runtime: 'nodejs22.x', handler: 'node/index.handler', timeout: 10, environment: { GREETING_STYLE: 'friendly' } },
];

/** Sent to each function in turn: two greetings and one handler error. */
export const SAMPLE_EVENTS: readonly Record<string, unknown>[] = [{ name: 'Ada' }, { name: 'Grace' }, { fail: true }];

/** The timeout `plldb debug` sets while attached (restored on detach). */
export const DEBUG_TIMEOUT_SECONDS = 30;

/** examples/ of this package, found from this module whether it runs from source or from the bundle. */
export function examplesDir(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'examples', 'node', 'index.mjs'))) return join(dir, 'examples');
  }
  throw new Error('the sample functions (examples/) are not next to this plldb: run the demo from a clone of the repository');
}
