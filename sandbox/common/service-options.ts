import { SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from '../constants.js';
import { SandboxConditions } from '../latency.js';
import type { RequestHook } from './request-hook.js';

/** Options every sandbox service takes. */
export interface ServiceOptions {
  /** Shared latency and fault switches; each service gets its own when absent. */
  conditions?: SandboxConditions;
  /** Account in the ARNs and URLs it hands out (default: the sandbox account). */
  accountId?: string;
  region?: string;
  /** Port on 127.0.0.1 (default 0: a free one). */
  port?: number;
  /** Told about every request, before the latency delay (request counts by API). */
  onRequest?: RequestHook;
}

export function resolveServiceOptions(options: ServiceOptions): { conditions: SandboxConditions; accountId: string; region: string } {
  return {
    conditions: options.conditions ?? new SandboxConditions(),
    accountId: options.accountId ?? SANDBOX_ACCOUNT_ID,
    region: options.region ?? SANDBOX_REGION,
  };
}
