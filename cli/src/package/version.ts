import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The version in the package.json of the plldb package folder (`plldb --version`). */
export function packageVersion(packageRoot: string): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
