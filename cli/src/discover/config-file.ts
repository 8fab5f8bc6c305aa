import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from '../errors.js';
import type { DiscoveredFunction } from './types.js';

export const CONFIG_FILE = 'plldb.config.json';

interface ConfigEntry {
  source?: unknown;
  export?: unknown;
  runtime?: unknown;
  functionName?: unknown;
}

export interface PlldbConfig {
  /** The deployed stack, when the project does not say (config-only projects, SAM without samconfig.toml). */
  stack?: string;
  functions: Record<string, ConfigEntry>;
}

/** plldb.config.json at the project root, if there is one. */
export function readConfig(dir: string): PlldbConfig | undefined {
  const file = join(dir, CONFIG_FILE);
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`${file} is not valid JSON: ${(err as Error).message}`, 'fix the file; its shape is {"functions": {"<logical id or name>": {"source": "src/x.ts", "export": "handler"}}}');
  }
  const functions = (value as { functions?: unknown } | null)?.functions;
  if (typeof functions !== 'object' || functions === null || Array.isArray(functions)) {
    throw new CliError(`${file} has no "functions" object`, 'its shape is {"functions": {"<logical id or name>": {"source": "src/x.ts", "export": "handler"}}}');
  }
  const stack = (value as { stack?: unknown }).stack;
  return { functions: functions as Record<string, ConfigEntry>, ...(typeof stack === 'string' ? { stack } : {}) };
}

/**
 * Applies the config's entries: one keyed by a discovered function's logical id or deployed name
 * replaces its source/export (and clears its problem); any other adds a function of that name.
 */
export function applyConfig(dir: string, config: PlldbConfig, discovered: DiscoveredFunction[]): DiscoveredFunction[] {
  const result = discovered.map((fn) => ({ ...fn }));
  for (const [key, entry] of Object.entries(config.functions)) {
    if (typeof entry.source !== 'string') throw new CliError(`${CONFIG_FILE}: function ${key} has no "source"`, 'give the file that holds its handler, relative to the project folder');
    let fn = result.find((f) => f.logicalId === key || f.functionName === key);
    if (!fn) {
      fn = { logicalId: key, functionName: typeof entry.functionName === 'string' ? entry.functionName : key, ...(config.stack ? { stackName: config.stack } : {}) };
      result.push(fn);
    }
    delete fn.problem;
    fn.source = resolve(dir, entry.source);
    fn.export = typeof entry.export === 'string' ? entry.export : (fn.export ?? 'handler');
    if (typeof entry.runtime === 'string') fn.runtime = entry.runtime;
    if (typeof entry.functionName === 'string') fn.functionName = entry.functionName;
  }
  return result;
}
