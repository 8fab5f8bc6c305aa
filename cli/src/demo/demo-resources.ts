import { rmSync } from 'node:fs';
import type { Sandbox } from '../../../sandbox/index.js';
import { describeError } from '../errors.js';
import type { InProcessDebug } from './debug-in-process.js';
import type { DemoOutput } from './run-demo.js';

/** What an in-process demo started, for its clean-up. */
export interface DemoResources {
  sandbox?: Sandbox;
  debug?: InProcessDebug;
  /** Undo the environment changes, last first. */
  restoreEnv: (() => void)[];
  /** The demo's temporary folder (state, built code). */
  tempDir?: string;
}

/** Stops what the demo started, in order: debug (detach), the sandbox, then the environment and the temporary folder. */
export async function cleanUpDemo(resources: DemoResources, out: DemoOutput): Promise<void> {
  try {
    await resources.debug?.stop();
  } catch (err) {
    out.warn(describeError(err));
  }
  await resources.sandbox?.stop();
  for (const restore of resources.restoreEnv.reverse()) restore();
  if (resources.tempDir) rmSync(resources.tempDir, { recursive: true, force: true });
}

/** Stops plldb debug as SIGTERM does (it detaches its functions), saying so; the clean-up then has nothing to stop. */
export async function stopDebug(resources: DemoResources, out: DemoOutput, what: string): Promise<void> {
  out.info(`\n(plldb debug gets SIGTERM: it detaches ${what})`);
  const debug = resources.debug;
  delete resources.debug;
  await debug?.stop();
}
