import { createHash } from 'node:crypto';
import { encodeAttachment, Env, type AttachmentRecord } from '../../../protocol/index.js';
import type { FunctionConfig, FunctionConfigChange } from '../aws/function-config-api.js';

/** What one attach puts on a function. */
export interface AttachPlan {
  sessionId: string;
  connectionId: string;
  layerArn: string;
  /** PLLDB's variables and their values (wrapper, session, connection, endpoints, ...). */
  environment: Record<string, string>;
  /** Timeout to set while attached; undefined leaves the function's own. */
  timeout?: number;
  /** The timeout is a default: only ever raise the function's own, never lower it. */
  raiseOnly?: boolean;
  command: AttachmentRecord['command'];
  now: string;
}

/** Whether a layer ARN is one of PLLDB's layers (any version). */
export type IsPlldbLayer = (arn: string) => boolean;

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 12);
}

function sortedEntries(environment: Record<string, string>): [string, string][] {
  return Object.entries(environment).sort(([a], [b]) => a.localeCompare(b));
}

interface Base {
  layers: string[];
  /** Undefined: the function has no environment apart from PLLDB's. */
  environment?: Record<string, string>;
  timeout: number;
}

/**
 * The function as it would be without PLLDB's additions, taken from its current configuration:
 * whatever else changed since attach (a deploy) stays. `timeoutKept` is set when the timeout is
 * no longer the one PLLDB set, so it is kept.
 */
export function withoutAdditions(fn: FunctionConfig, record: AttachmentRecord, isPlldbLayer: IsPlldbLayer): Base & { timeoutKept?: number } {
  const environment = { ...(fn.environment ?? {}) };
  delete environment[Env.Attachment];
  for (const key of record.addedEnv) delete environment[key];
  for (const [key, value] of Object.entries(record.replacedEnv ?? {})) environment[key] = value;
  const layers = fn.layers.filter((arn) => arn !== record.layerArn && !isPlldbLayer(arn));
  const ownTimeout = record.timeout !== undefined && fn.timeout === record.timeout.set;
  return {
    layers,
    ...(Object.keys(environment).length > 0 ? { environment } : {}),
    timeout: ownTimeout ? (record.timeout as { before: number }).before : fn.timeout,
    ...(record.timeout !== undefined && !ownTimeout ? { timeoutKept: fn.timeout } : {}),
  };
}

/** What attach writes: the base (the function minus any earlier attachment) plus this plan, and the record of it. */
export function attachChange(fn: FunctionConfig, existing: AttachmentRecord | undefined, plan: AttachPlan, isPlldbLayer: IsPlldbLayer): { change: FunctionConfigChange; record: AttachmentRecord } {
  const base = existing ? withoutAdditions(fn, existing, isPlldbLayer) : { layers: fn.layers.filter((arn) => !isPlldbLayer(arn)), ...(fn.environment ? { environment: fn.environment } : {}), timeout: fn.timeout };
  const baseEnvironment = base.environment ?? {};
  const replacedEnv = Object.fromEntries(Object.keys(plan.environment).filter((key) => key in baseEnvironment).map((key) => [key, baseEnvironment[key] as string]));
  const wanted = plan.timeout === undefined ? base.timeout : plan.raiseOnly ? Math.max(plan.timeout, base.timeout) : plan.timeout;
  const record: AttachmentRecord = {
    sessionId: plan.sessionId,
    connectionId: plan.connectionId,
    attachedAt: existing && (existing.sessionId === plan.sessionId || existing.connectionId === plan.connectionId) ? existing.attachedAt : plan.now,
    layerArn: plan.layerArn,
    addedEnv: Object.keys(plan.environment),
    ...(Object.keys(replacedEnv).length > 0 ? { replacedEnv } : {}),
    ...(wanted !== base.timeout ? { timeout: { before: base.timeout, set: wanted } } : {}),
    command: plan.command,
    base: { environment: digest(sortedEntries(baseEnvironment)), layers: digest(base.layers) },
  };
  return {
    change: {
      layers: [...base.layers, plan.layerArn],
      environment: { ...baseEnvironment, ...plan.environment, [Env.Attachment]: encodeAttachment(record) },
      timeout: wanted,
    },
    record,
  };
}

/** What detach writes, and what it kept because it changed since attach (one short phrase each). */
export function detachChange(fn: FunctionConfig, record: AttachmentRecord, isPlldbLayer: IsPlldbLayer): { change: FunctionConfigChange; kept: string[] } {
  const base = withoutAdditions(fn, record, isPlldbLayer);
  const kept: string[] = [];
  if (base.timeoutKept !== undefined) kept.push(`timeout ${base.timeoutKept} s (PLLDB had set ${record.timeout?.set} s)`);
  if (record.base && digest(sortedEntries(base.environment ?? {})) !== record.base.environment) kept.push('the environment as changed since attach');
  if (record.base && digest(base.layers) !== record.base.layers) kept.push('the layers as changed since attach');
  return { change: { layers: base.layers, environment: base.environment ?? {}, timeout: base.timeout }, kept };
}
