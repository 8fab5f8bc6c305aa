import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The plldb package folder (holding `sandbox/runtimes/` and `dist/`), found by walking up from
 * this module, so the same code works from source (tests) and from the CLI's bundle (`plldb demo`).
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'sandbox', 'runtimes'))) return dir;
  }
  throw new Error(`the plldb package folder (with sandbox/runtimes) was not found above ${from}: reinstall plldb`);
}

export const PACKAGE_ROOT = packageRoot();
