import { CliError } from '../errors.js';
import { functionSource, type FunctionSource } from '../runners/function-sources.js';
import type { DiscoveredFunction } from './types.js';

/** What `plldb debug` attaches, and how each mapped function's handler is found. */
export interface DebugTargets {
  functionNames: string[];
  sources: Map<string, FunctionSource>;
  /** One line per discovered function left alone, with the reason. */
  skipped: string[];
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/**
 * The functions to debug: every deployed, mapped function of the project when no pattern is
 * given; otherwise those whose deployed name or logical id matches a pattern (`*` wildcards). A
 * pattern without a wildcard that matches no discovered function is taken as a deployed name
 * whose handler is found under --code.
 */
export function selectDebugTargets(discovered: DiscoveredFunction[] | undefined, patterns: string[]): DebugTargets {
  const targets: DebugTargets = { functionNames: [], sources: new Map(), skipped: [] };
  if (!discovered) {
    if (patterns.length === 0) throw new CliError('no --function given and no project here to discover functions in', 'pass --function NAME (repeatable), or run plldb debug in your CDK/SAM project (or with --app DIR)');
    if (patterns.some((p) => p.includes('*'))) throw new CliError(`--function ${patterns.find((p) => p.includes('*')) ?? ''}: wildcards match discovered functions, and there is no project here`, 'run plldb debug in your CDK/SAM project (or with --app DIR), or name the functions');
    return { ...targets, functionNames: [...patterns] };
  }
  const chosen = new Set<DiscoveredFunction>();
  if (patterns.length === 0) discovered.forEach((fn) => chosen.add(fn));
  for (const pattern of patterns) {
    const re = globToRegExp(pattern);
    const matches = discovered.filter((fn) => re.test(fn.logicalId) || (fn.functionName !== undefined && re.test(fn.functionName)));
    if (matches.length > 0) matches.forEach((fn) => chosen.add(fn));
    else if (pattern.includes('*')) throw new CliError(`--function ${pattern} matches none of the project's functions`, 'plldb discover lists them, with their logical ids and deployed names');
    else targets.functionNames.push(pattern);
  }
  for (const fn of chosen) {
    if (fn.problem) targets.skipped.push(`skipping ${fn.logicalId}: ${fn.problem}`);
    else if (!fn.functionName) targets.skipped.push(`skipping ${fn.logicalId}: not deployed (${fn.notDeployed ?? 'no deployed name known'})`);
    else if (!fn.runtime?.startsWith('nodejs') && !fn.runtime?.startsWith('python')) targets.skipped.push(`skipping ${fn.logicalId}: plldb runs Node.js and Python handlers locally, not ${fn.runtime ?? 'this runtime'}`);
    else {
      targets.functionNames.push(fn.functionName);
      targets.sources.set(fn.functionName, functionSource({ source: fn.source as string, export: fn.export ?? 'handler', ...(fn.handler ? { handler: fn.handler } : {}), ...(fn.runtime ? { runtime: fn.runtime } : {}) }));
    }
  }
  return targets;
}
