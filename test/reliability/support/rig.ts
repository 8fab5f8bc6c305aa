import { DynamoDBClient, GetItemCommand, ScanCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attr, Status } from '../../../protocol/index.js';
import { SANDBOX_CREDENTIALS, SANDBOX_LAYERS, startSandbox, type InvokeResult, type Sandbox, type SandboxOptions } from '../../../sandbox/index.js';
import { ScriptedDebugger, type Behaviour } from './scripted-debugger.js';

/** Poll tuning for debugged functions: the production defaults, so figures mean what they say. */
export interface DebuggedFunctionOptions {
  /** Seconds. Default 10. */
  timeout?: number;
  /** Extra variables (tuning knobs, PLLDB_FORWARD_CREDENTIALS, ...). */
  environment?: Record<string, string>;
  /** Connection the function is attached to. Default: the rig's debugger. */
  connectionId?: string;
}

/**
 * The sandbox with one scripted debugger connected, a table client for inspecting and tampering
 * with items, and helpers to create functions attached to the debugger with the real built layer.
 */
export class Rig {
  private readonly codeDir = mkdtempSync(join(tmpdir(), 'plldb-reliability-'));
  private readonly debuggers: ScriptedDebugger[] = [];
  readonly table: DynamoDBClient;

  private constructor(
    readonly sandbox: Sandbox,
    readonly debuggerClient: ScriptedDebugger,
    /** Every line every function wrote since start (yours, the relay, the route handlers). */
    readonly logLines: string[],
  ) {
    this.debuggers.push(debuggerClient);
    // The function's own handler never runs in debug mode; it exists because Lambda needs one.
    writeFileSync(join(this.codeDir, 'index.mjs'), 'export const handler = async () => ({ ranLocally: true });\n');
    this.table = new DynamoDBClient({ endpoint: sandbox.endpoints.dynamodb, region: sandbox.region, credentials: { ...SANDBOX_CREDENTIALS } });
  }

  static async start(behaviour: Behaviour, options: SandboxOptions = {}): Promise<Rig> {
    const lines: string[] = [];
    const sandbox = await startSandbox({ ...options, onLog: (_fn, _instance, line) => lines.push(line) });
    try {
      return new Rig(sandbox, await ScriptedDebugger.connect(sandbox.endpoints.webSocketUrl, behaviour), lines);
    } catch (err) {
      await sandbox.stop();
      throw err;
    }
  }

  /** Another debugger connection (closed by `stop`). */
  async connectDebugger(behaviour: Behaviour = () => undefined): Promise<ScriptedDebugger> {
    const client = await ScriptedDebugger.connect(this.sandbox.endpoints.webSocketUrl, behaviour);
    this.debuggers.push(client);
    return client;
  }

  /** A Node.js function with the PLLDB layer, attached (as `plldb attach` does) to a debugger connection. */
  createDebuggedFunction(name: string, options: DebuggedFunctionOptions = {}): void {
    this.sandbox.createFunction({
      name,
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      codeDir: this.codeDir,
      timeout: options.timeout ?? 10,
      layers: [SANDBOX_LAYERS.node.arn],
      environment: { ...this.sandbox.debugEnvironment(options.connectionId ?? this.debuggerClient.connectionId), ...options.environment },
    });
  }

  invoke(name: string, event: unknown): Promise<InvokeResult> {
    return this.sandbox.invoke(name, event);
  }

  async item(requestId: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.table.send(new GetItemCommand({ TableName: this.sandbox.tableName, Key: marshall({ [Attr.RequestId]: requestId }), ConsistentRead: true }));
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  /** Every item in the table (plain objects). */
  async items(): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.table.send(new ScanCommand({ TableName: this.sandbox.tableName, ExclusiveStartKey }));
      items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** Items whose Status is PENDING. */
  async pendingItems(): Promise<Record<string, unknown>[]> {
    return (await this.items()).filter((i) => i[Attr.Status] === Status.Pending);
  }

  /** A foreign writer's UpdateItem: sets raw attribute values on the item, no condition. */
  async writeRaw(requestId: string, values: Record<string, AttributeValue>): Promise<void> {
    const names = Object.keys(values);
    await this.table.send(
      new UpdateItemCommand({
        TableName: this.sandbox.tableName,
        Key: marshall({ [Attr.RequestId]: requestId }),
        UpdateExpression: `SET ${names.map((_, i) => `#n${i} = :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#n${i}`, n])),
        ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, values[n] as AttributeValue])),
      }),
    );
  }

  /** Runtime processes (pids) of a function's live environments. */
  runtimePids(name: string): number[] {
    return this.sandbox.functions.instances(name).flatMap((i) => (i.pid === undefined ? [] : [i.pid]));
  }

  /** Queues left after the runtimes' bookkeeping had a moment to finish. */
  async queuesLeft(settleMs = 2000): Promise<string[]> {
    const until = Date.now() + settleMs;
    while (this.sandbox.queueNames().length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    return this.sandbox.queueNames();
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.debuggers.map((d) => d.close()));
    this.table.destroy();
    await this.sandbox.stop();
    rmSync(this.codeDir, { recursive: true, force: true });
  }
}
