import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attr, DEFAULT_QUEUE_PREFIX, Env } from '../../../protocol/index.js';
import { SANDBOX_LAYERS, startSandbox, type InvokeResult, type Sandbox, type SandboxOptions } from '../../../sandbox/index.js';
import type { VpcSettings } from '../../../sandbox/lambda/types.js';
import { TestDebugger } from './test-debugger.js';

/** The function's own handlers (Node.js and Python): what pass-through mode runs. */
const NODE_HANDLER = `export const handler = async (event, context) => ({ handledBy: 'own-handler', event, requestId: context.awsRequestId });\n`;
const PYTHON_HANDLER = `def handler(event, context):\n    return {"handledBy": "own-python-handler", "event": event, "requestId": context.aws_request_id}\n`;

/** A Node.js function with the Node.js layer, or a Python one with the standalone layer (which brings its own Node.js). */
const KINDS = {
  node: { runtime: 'nodejs22.x', handler: 'index.handler', layer: SANDBOX_LAYERS.node.arn },
  python: { runtime: 'python3.12', handler: 'app.handler', layer: SANDBOX_LAYERS.standaloneX8664.arn },
} as const;

export interface World {
  sandbox: Sandbox;
  debuggerClient: TestDebugger;
  /** Creates a Node.js function with the PLLDB layer, attached to the test debugger (or given variables). */
  attach(name: string, settings?: { env?: Record<string, string>; timeout?: number; connectionId?: string; kind?: keyof typeof KINDS; memorySize?: number; vpc?: VpcSettings }): void;
  /** Creates a function without PLLDB: its own handler answers. */
  plain(name: string, kind?: keyof typeof KINDS): void;
  /** The request item, read consistently (undefined when there is none). */
  item(requestId: string): Promise<Record<string, unknown> | undefined>;
  /** Reads the item until `check` holds (the runtime records delivery just after the caller has its answer). */
  itemWhen(requestId: string, check: (item: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Invocation queues that still exist. */
  invocationQueues(): string[];
  /** Waits until no invocation queue is left (the runtime deletes each after answering). */
  queuesGone(): Promise<string[]>;
  stop(): Promise<void>;
}

/** One sandbox, one connected test debugger and a handler folder: shared by the tests of one file. */
export async function startWorld(options: SandboxOptions = {}): Promise<World> {
  const codeDir = mkdtempSync(join(tmpdir(), 'plldb-e2e-'));
  writeFileSync(join(codeDir, 'index.mjs'), NODE_HANDLER);
  writeFileSync(join(codeDir, 'app.py'), PYTHON_HANDLER);
  const sandbox = await startSandbox(options);
  const dynamo = new DynamoDBClient({
    region: sandbox.region,
    endpoint: sandbox.endpoints.dynamodb,
    credentials: { accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID as string, secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY as string },
  });
  let debuggerClient: TestDebugger;
  try {
    debuggerClient = await TestDebugger.connect(sandbox.endpoints.webSocketUrl);
  } catch (error) {
    dynamo.destroy();
    await sandbox.stop();
    throw error;
  }
  const item = async (requestId: string) => {
    const { Item } = await dynamo.send(new GetItemCommand({ TableName: sandbox.tableName, Key: marshall({ [Attr.RequestId]: requestId }), ConsistentRead: true }));
    return Item ? unmarshall(Item) : undefined;
  };
  const invocationQueues = () => sandbox.queueNames().filter((name) => name.startsWith(DEFAULT_QUEUE_PREFIX));
  return {
    sandbox,
    debuggerClient,
    attach(name, settings = {}) {
      const kind = KINDS[settings.kind ?? 'node'];
      sandbox.createFunction({
        name,
        runtime: kind.runtime,
        handler: kind.handler,
        codeDir,
        layers: [kind.layer],
        timeout: settings.timeout ?? 10,
        ...(settings.memorySize !== undefined ? { memorySize: settings.memorySize } : {}),
        ...(settings.vpc ? { vpc: settings.vpc } : {}),
        environment: { ...sandbox.debugEnvironment(settings.connectionId ?? debuggerClient.connectionId), ...settings.env },
      });
    },
    plain(name, kindName = 'node') {
      const kind = KINDS[kindName];
      sandbox.createFunction({ name, runtime: kind.runtime, handler: kind.handler, codeDir });
    },
    item,
    async itemWhen(requestId, check) {
      for (let attempt = 0; attempt < 200; attempt++) {
        const current = await item(requestId);
        if (current && check(current)) return current;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`item ${requestId} never reached the expected state: ${JSON.stringify(await item(requestId))}`);
    },
    invocationQueues,
    async queuesGone() {
      for (let attempt = 0; attempt < 200 && invocationQueues().length > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
      return invocationQueues();
    },
    async stop() {
      debuggerClient.close();
      dynamo.destroy();
      await sandbox.stop();
      rmSync(codeDir, { recursive: true, force: true });
    },
  };
}

/** The poll arm asks once at the start, then not again for a minute: only the SQS arm can answer in time. */
export const SLOW_POLL = { [Env.PollFastMs]: '60000', [Env.PollMaxMs]: '60000' };
/** How long the test debugger "thinks": long enough for the runtime's first poll to have come back empty, even on a busy machine. */
export const THINK_MS = 400;

/** The caller's view of a failed invocation: Lambda's error document. */
export function errorOf(result: InvokeResult): { errorType: string; errorMessage: string } {
  if (result.functionError === undefined) throw new Error(`expected a function error, got ${result.payload}`);
  return JSON.parse(result.payload) as { errorType: string; errorMessage: string };
}

/** Answers every request with a JSON result built from the request, after `delayMs`. */
export function echoWith(build: (event: unknown, requestId: string) => unknown, delayMs = 0) {
  return async (request: { requestId: string; event?: string }, client: TestDebugger): Promise<unknown> => {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return client.answer(request.requestId, JSON.stringify(build(JSON.parse(request.event ?? 'null'), request.requestId)));
  };
}
