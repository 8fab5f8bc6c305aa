import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';
import { Env } from '../protocol/index.js';
import type { FunctionHost } from './lambda/function-host.js';
import type { FunctionDefinition } from './lambda/types.js';

/** Names the stack's functions get in the sandbox. */
export const RELAY_FUNCTION_NAME = 'PLLDBStreamRelay';
export const ROUTES_FUNCTION_NAME = 'PLLDBWebSocketRoutes';

/** The stack's event source mapping settings (infra/lib/stream-relay.ts). */
export const RELAY_MAPPING = { batchSize: 10, maximumBatchingWindowMs: 0, maximumRetryAttempts: 3, reportBatchItemFailures: true } as const;

/** The real relay bundle (dist/relay), configured as the stack configures it. */
export function relayFunction(tableName: string): FunctionDefinition {
  return {
    name: RELAY_FUNCTION_NAME,
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    codeDir: builtDir('relay'),
    timeout: 30,
    environment: { [Env.TableName]: tableName },
  };
}

/** The real WebSocket route handlers bundle (dist/websocket), replying through the sandbox's management endpoint. */
export function routesFunction(tableName: string, managementEndpoint: string): FunctionDefinition {
  return {
    name: ROUTES_FUNCTION_NAME,
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    codeDir: builtDir('websocket'),
    timeout: 30,
    environment: { [Env.TableName]: tableName, [Env.WebSocketManagementEndpoint]: managementEndpoint },
  };
}

/**
 * Invokes a hosted system function and returns its parsed result; a function error (or a result
 * that is not JSON) rejects, as a failed invocation does for API Gateway and event source mappings.
 */
export async function invokeSystem(host: FunctionHost, name: string, event: unknown): Promise<unknown> {
  const result = await host.invoke(name, JSON.stringify(event));
  if (result.functionError) throw new Error(`${name} failed (${result.requestId}): ${result.payload}`);
  return result.payload === '' ? undefined : (JSON.parse(result.payload) as unknown);
}

function builtDir(name: string): string {
  const dir = join(PACKAGE_ROOT, 'dist', name);
  if (!existsSync(join(dir, 'index.mjs'))) throw new Error(`the sandbox hosts the built ${name} bundle, and ${dir}/index.mjs does not exist: run \`npm run build\` first`);
  return dir;
}
