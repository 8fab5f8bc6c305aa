import type { DebuggerRequestMessage } from '../../../protocol/index.js';
import type { FunctionConfig } from '../aws/function-config-api.js';
import { isDeniedVariable, type TrustedFunctionConfig } from '../runners/environment.js';

/** Reads a function's configuration from Lambda (GetFunctionConfiguration with the developer's credentials). */
export type ReadFunctionConfig = (functionName: string) => Promise<FunctionConfig>;

/** A request this session serves, with the configuration to run it by; or why it is ignored. */
export type RequestTrust = { kind: 'serve'; fn: TrustedFunctionConfig } | { kind: 'ignore'; reason: string };

/** At most one re-read per function in this time, however many messages claim a change. */
const REFRESH_MIN_INTERVAL_MS = 5000;

interface Entry {
  config: TrustedFunctionConfig;
  readAt: number;
  refreshing?: Promise<TrustedFunctionConfig>;
}

/**
 * The functions this debug session attached, with their configuration as the CLI read it from
 * Lambda. Anyone who can assume the debugger role can post a request message to this session's
 * connection, so a message only picks which attached function runs (and brings the event and the
 * context); its handler and environment are never used, only compared: when they differ from what
 * was read (a deploy since), the configuration is read again from Lambda.
 */
export class AttachedFunctions {
  private readonly functions = new Map<string, Entry>();

  constructor(
    private readonly sessionId: string,
    private readonly read: ReadFunctionConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads and records the configuration of a function this session has just attached. */
  async record(functionName: string): Promise<void> {
    const config = await this.readTrusted(functionName);
    this.functions.set(config.name, { config, readAt: this.now() });
  }

  /** Stops serving a function (detached, or taken over by another session). */
  forget(functionName: string): void {
    this.functions.delete(functionName);
  }

  /** Whether this session serves the message's function, and by which configuration. */
  async trust(msg: DebuggerRequestMessage): Promise<RequestTrust> {
    if (msg.sessionId !== this.sessionId) return { kind: 'ignore', reason: `it names session ${JSON.stringify(msg.sessionId)}, not this one` };
    const entry = this.functions.get(msg.lambdaFunctionName);
    if (!entry) return { kind: 'ignore', reason: `this session did not attach function ${JSON.stringify(msg.lambdaFunctionName)}` };
    if (!differs(entry.config, msg) || this.now() - entry.readAt < REFRESH_MIN_INTERVAL_MS) return { kind: 'serve', fn: entry.config };
    return { kind: 'serve', fn: await this.refresh(entry) };
  }

  private refresh(entry: Entry): Promise<TrustedFunctionConfig> {
    entry.refreshing ??= this.readTrusted(entry.config.name)
      .then((config) => {
        entry.config = config;
        return config;
      })
      // The configuration read at attach stays in force when the re-read fails.
      .catch(() => entry.config)
      .finally(() => {
        entry.readAt = this.now();
        entry.refreshing = undefined;
      });
    return entry.refreshing;
  }

  private async readTrusted(functionName: string): Promise<TrustedFunctionConfig> {
    const fn = await this.read(functionName);
    return {
      name: fn.name,
      arn: fn.arn,
      handler: fn.handler ?? '',
      runtime: fn.runtime ?? '',
      memorySize: fn.memorySize,
      environment: Object.fromEntries(Object.entries(fn.environment ?? {}).filter(([name]) => !isDeniedVariable(name))),
    };
  }
}

/** Whether a message suggests the function's handler or configured variables changed since they were read. */
function differs(config: TrustedFunctionConfig, msg: DebuggerRequestMessage): boolean {
  if (msg.handler !== config.handler) return true;
  const forwarded = msg.environmentVariables;
  return forwarded !== undefined && Object.entries(config.environment).some(([name, value]) => forwarded[name] !== value);
}
