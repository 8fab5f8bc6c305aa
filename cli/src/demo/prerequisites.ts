import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';

/** Build outputs the sandbox runs that an installed package ships: the layer, the relay and the WebSocket route handlers. */
export const SHIPPED_BUILD_OUTPUTS = ['dist/layer/plldb/runtime.mjs', 'dist/layer/bin/bootstrap', 'dist/relay/index.mjs', 'dist/websocket/index.mjs'];
/** All of them, with the standalone layer, which only the build in a clone has (an installed package assembles it when first needed). */
const BUILD_OUTPUTS = [...SHIPPED_BUILD_OUTPUTS, 'dist/layer-standalone-x86_64/plldb/bin/node'];

/** Fails with what to do when the demo cannot run here: build outputs missing, or no python3. */
export function checkPrerequisites(repoRoot: string, python: string, outputs: readonly string[] = BUILD_OUTPUTS): void {
  const missing = outputs.filter((path) => !existsSync(join(repoRoot, path)));
  if (missing.length > 0) {
    throw new CliError(`the build outputs the sandbox runs are missing (${missing.join(', ')})`, 'run npm run build first (npm run demo does it for you)');
  }
  const probe = spawnSync(python, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new CliError(`cannot run ${python} (${probe.error?.message ?? probe.stderr.trim()}): the demo's Python function and its local handler need it`, 'install Python 3 so that python3 is on PATH, or pass --python <command>');
  }
}
