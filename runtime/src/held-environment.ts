import { HELD_ENV_PREFIX } from '../../protocol/index.js';

/**
 * Puts back the variables the wrapper held aside so they did not load code into PLLDB's own
 * Node.js: from here on the environment is the function's again, for the forwarded environment
 * and for any process the runtime starts. This process was started without them, so nothing loads.
 */
export function restoreHeldEnvironment(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(HELD_ENV_PREFIX) || name === HELD_ENV_PREFIX || value === undefined) continue;
    env[name.slice(HELD_ENV_PREFIX.length)] = value;
    delete env[name];
  }
}
