import { ATTACH_POLICY_NAME } from '../../../protocol/index.js';
import { roleNameFromArn } from '../attach/attacher.js';
import type { FunctionConfigApi } from '../aws/function-config-api.js';
import type { RolePolicyApi } from '../aws/role-policy-api.js';

/** What attach changes and detach must restore. */
export interface RestorableConfig {
  layers: string[];
  environment?: Record<string, string>;
  timeout: number;
  /** The execution role's PLLDB inline policy (undefined: none). */
  rolePolicy?: string;
}

export async function readRestorableConfig(functions: FunctionConfigApi, policies: RolePolicyApi, name: string): Promise<RestorableConfig> {
  const fn = await functions.get(name);
  const rolePolicy = await policies.get(roleNameFromArn(fn.role), ATTACH_POLICY_NAME);
  return { layers: fn.layers, ...(fn.environment ? { environment: fn.environment } : {}), timeout: fn.timeout, ...(rolePolicy !== undefined ? { rolePolicy } : {}) };
}

/** The parts that differ, by name (empty: restored exactly). */
export function differences(before: RestorableConfig, after: RestorableConfig): string[] {
  return (['layers', 'environment', 'timeout', 'rolePolicy'] as const).filter((key) => canonical(before[key]) !== canonical(after[key]));
}

/** JSON with object keys sorted: the order Lambda lists variables in does not matter. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value) ?? 'undefined';
  return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));
}

export function describeConfig(config: RestorableConfig): string {
  const env = Object.keys(config.environment ?? {});
  return `layers [${config.layers.join(', ')}], environment {${env.join(', ')}}, timeout ${config.timeout} s, role policy ${config.rolePolicy === undefined ? 'none' : ATTACH_POLICY_NAME}`;
}
