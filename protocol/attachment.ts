import { Env } from './constants.js';

/**
 * What PLLDB added to a function and who holds it, kept on the function itself in the
 * `PLLDB_ATTACHMENT` variable: detach undoes exactly this from any machine, and attach and
 * status learn the owner from it. Small on purpose (Lambda's 4 KB environment limit).
 */
export interface AttachmentRecord {
  sessionId: string;
  connectionId: string;
  /** ISO 8601 time of the first attach of this session. */
  attachedAt: string;
  /** The PLLDB layer version attach added. */
  layerArn: string;
  /** Environment keys attach added (besides `PLLDB_ATTACHMENT` itself). */
  addedEnv: string[];
  /** Values attach overwrote (keys the function already had): detach puts them back. */
  replacedEnv?: Record<string, string>;
  /** The timeout before attach and the one attach set; absent when attach left the timeout alone. */
  timeout?: { before: number; set: number };
  /** Digests of the function's own environment and layers at attach: detach tells whether a deploy changed them. */
  base?: { environment: string; layers: string };
  /** The command that attached (`debug` or `attach`): error messages name it. */
  command: 'debug' | 'attach';
}

export function encodeAttachment(record: AttachmentRecord): string {
  return JSON.stringify(record);
}

/** The record in a function's environment; undefined when there is none or it is not one of ours. */
export function readAttachment(environment: Record<string, string | undefined> | undefined): AttachmentRecord | undefined {
  const text = environment?.[Env.Attachment];
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<AttachmentRecord>;
    if (typeof value.sessionId !== 'string' || typeof value.connectionId !== 'string' || typeof value.layerArn !== 'string' || !Array.isArray(value.addedEnv)) return undefined;
    return value as AttachmentRecord;
  } catch {
    return undefined;
  }
}

/** How the user raises the timeout of a function attached by `command` (runtime error messages say it). */
export function raiseTimeoutHint(command: AttachmentRecord['command'] | undefined): string {
  if (command === 'debug') return 'Raise the timeout with `plldb debug --timeout <seconds>` (900 s by default) or the function\'s Timeout setting.';
  if (command === 'attach') return 'Raise the timeout with `plldb attach --timeout <seconds>` or the function\'s Timeout setting.';
  return 'Raise the timeout with `plldb debug --timeout <seconds>` (or `plldb attach --timeout <seconds>`) or the function\'s Timeout setting.';
}
