import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestId } from '../common/ids.js';
import { LambdaServiceError } from '../lambda/errors.js';
import type { FunctionHost } from '../lambda/function-host.js';
import type { FunctionConfigurationPatch, FunctionDefinition, InvokeOptions } from '../lambda/types.js';
import { readBody, send } from '../common/http-service.js';
import { extractZip } from './zip-code.js';

const ROUTE = /^\/2015-03-31\/functions\/([^/]+)\/(configuration|invocations)$/;
const FUNCTIONS = /^\/2015-03-31\/functions\/?$/;
const FUNCTION = /^\/2015-03-31\/functions\/([^/]+)\/?$/;
const JSON_TYPE = { 'content-type': 'application/json' };
const LAYERS = '/2018-10-31/layers';
/** ListFunctions page size (Lambda's default MaxItems is 50). */
const LIST_PAGE = 50;
const OPERATIONS: Record<string, string> = { 'GET configuration': 'GetFunctionConfiguration', 'PUT configuration': 'UpdateFunctionConfiguration', 'POST invocations': 'Invoke' };

/** The Lambda API operation a request names (for request counts). */
export function lambdaOperation(method: string | undefined, path: string): string {
  if (method === 'GET' && path === LAYERS) return 'GetLayerVersionByArn';
  if (FUNCTIONS.test(path)) return method === 'POST' ? 'CreateFunction' : 'ListFunctions';
  if (FUNCTION.test(path)) return method === 'DELETE' ? 'DeleteFunction' : 'GetFunction';
  return OPERATIONS[`${method ?? ''} ${ROUTE.exec(path)?.[2] ?? ''}`] ?? `${method ?? ''} ${path}`;
}

/**
 * Lambda's restJson1 API: what the CLI calls (Get/UpdateFunctionConfiguration, ListFunctions,
 * GetLayerVersionByArn, Invoke) and what hosting your own functions needs (Create/Delete/GetFunction;
 * code as Code.ZipFile).
 */
export class LambdaApi {
  /** Function name -> the folder its Code.ZipFile was extracted to. */
  private readonly codeDirs = new Map<string, string>();

  constructor(private readonly host: FunctionHost) {}

  /** Removes the extracted code of the functions created over the API. */
  close(): void {
    for (const dir of this.codeDirs.values()) rmSync(dir, { recursive: true, force: true });
    this.codeDirs.clear();
  }

  matches(path: string): boolean {
    return path.startsWith('/2015-03-31/') || path === LAYERS;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req);
    try {
      await this.route(req, res, url, body);
    } catch (err) {
      if (!(err instanceof LambdaServiceError)) throw err;
      send(res, err.statusCode, { ...JSON_TYPE, 'x-amzn-errortype': err.code, 'x-amzn-requestid': requestId() }, JSON.stringify({ Type: 'User', Message: err.message }));
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    const named = lambdaOperation(req.method, url.pathname);
    if (named === 'ListFunctions') return this.listFunctions(res, url);
    if (named === 'GetLayerVersionByArn') {
      if (url.searchParams.get('find') !== 'LayerVersion') throw invalid('find must be LayerVersion');
      return sendJson(res, this.host.layerVersion(url.searchParams.get('Arn') ?? ''));
    }
    if (named === 'CreateFunction') return this.createFunction(res, parseJson(body));
    const single = FUNCTION.exec(url.pathname);
    if (single) {
      const name = decodeURIComponent(single[1] ?? '');
      if (req.method === 'GET') return sendJson(res, { Configuration: this.host.getFunctionConfiguration(name), Code: { RepositoryType: 'S3', Location: '' } });
      if (req.method === 'DELETE') {
        const functionName = this.host.getFunctionConfiguration(name).FunctionName ?? name;
        await this.host.deleteFunction(name);
        const dir = this.codeDirs.get(functionName);
        if (dir) rmSync(dir, { recursive: true, force: true });
        this.codeDirs.delete(functionName);
        return send(res, 204, { 'x-amzn-requestid': requestId() }, '');
      }
    }
    const match = ROUTE.exec(url.pathname);
    const name = decodeURIComponent(match?.[1] ?? '');
    const qualifier = url.searchParams.get('Qualifier') ?? undefined;
    const operation = `${req.method ?? ''} ${match?.[2] ?? ''}`;
    if (operation === 'GET configuration') {
      return sendJson(res, this.host.getFunctionConfiguration(name, qualifier));
    }
    if (operation === 'PUT configuration') {
      const input = parseJson(body);
      const patch = toPatch(input);
      const revisionId = typeof input.RevisionId === 'string' ? input.RevisionId : undefined;
      return sendJson(res, this.host.updateFunctionConfiguration(name, patch, revisionId));
    }
    if (operation === 'POST invocations') {
      if (qualifier !== undefined) this.host.getFunctionConfiguration(name, qualifier);
      return this.invoke(req, res, name, body.toString('utf8'));
    }
    throw new LambdaServiceError('UnknownOperationException', `The sandbox does not serve ${req.method ?? ''} ${url.pathname}`, 404);
  }

  /** Pages by Marker (the index of the next function), as Lambda's NextMarker does. */
  private listFunctions(res: ServerResponse, url: URL): void {
    const all = this.host.listFunctionConfigurations();
    const start = Number(url.searchParams.get('Marker') ?? '0') || 0;
    const size = Math.min(Number(url.searchParams.get('MaxItems') ?? LIST_PAGE) || LIST_PAGE, LIST_PAGE);
    const page = all.slice(start, start + size);
    sendJson(res, { Functions: page, ...(start + size < all.length ? { NextMarker: String(start + size) } : {}) });
  }

  private createFunction(res: ServerResponse, input: Record<string, unknown>): void {
    const name = requiredString(input, 'FunctionName');
    const zip = (input.Code as { ZipFile?: unknown } | undefined)?.ZipFile;
    if (typeof zip !== 'string') throw invalid('Code.ZipFile is required: the sandbox hosts functions from a ZIP deployment package');
    const patch = toPatch(input);
    const dir = mkdtempSync(join(tmpdir(), `plldb-sandbox-${name}-`));
    try {
      extractZip(Buffer.from(zip, 'base64'), dir);
      const architectures = Array.isArray(input.Architectures) ? (input.Architectures.map(String) as FunctionDefinition['architectures']) : undefined;
      const config = this.host.createFunction({
        name,
        runtime: requiredString(input, 'Runtime'),
        handler: requiredString(input, 'Handler'),
        codeDir: dir,
        ...(patch.role ? { role: patch.role } : {}),
        ...(patch.environment ? { environment: patch.environment } : {}),
        ...(patch.timeout !== undefined ? { timeout: patch.timeout } : {}),
        ...(patch.memorySize !== undefined ? { memorySize: patch.memorySize } : {}),
        ...(patch.layers ? { layers: patch.layers } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(architectures ? { architectures } : {}),
      });
      this.codeDirs.set(name, dir);
      send(res, 201, { ...JSON_TYPE, 'x-amzn-requestid': requestId() }, JSON.stringify(config));
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      if (err instanceof Error && !(err instanceof LambdaServiceError)) throw invalid(err.message);
      throw err;
    }
  }

  private async invoke(req: IncomingMessage, res: ServerResponse, name: string, payload: string): Promise<void> {
    const options: InvokeOptions = {
      invocationType: (header(req, 'x-amz-invocation-type') ?? 'RequestResponse') as InvokeOptions['invocationType'],
      logType: (header(req, 'x-amz-log-type') ?? 'None') as InvokeOptions['logType'],
      ...(header(req, 'x-amz-client-context') ? { clientContext: header(req, 'x-amz-client-context') } : {}),
      ...(header(req, 'x-amz-tenant-id') ? { tenantId: header(req, 'x-amz-tenant-id') } : {}),
    };
    if (!['RequestResponse', 'Event', 'DryRun'].includes(options.invocationType as string)) {
      throw new LambdaServiceError('InvalidParameterValueException', `InvocationType ${options.invocationType} is invalid: use RequestResponse, Event or DryRun`, 400);
    }
    const result = await this.host.invoke(name, payload, options);
    const headers: Record<string, string> = { ...JSON_TYPE, 'x-amzn-requestid': result.requestId, 'x-amz-executed-version': '$LATEST' };
    if (result.functionError) headers['x-amz-function-error'] = result.functionError;
    if (result.logResult) headers['x-amz-log-result'] = result.logResult;
    send(res, result.statusCode, headers, result.payload);
  }
}

function requiredString(input: Record<string, unknown>, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value === '') throw invalid(`${key} is required`);
  return value;
}

function toPatch(input: Record<string, unknown>): FunctionConfigurationPatch {
  const patch: FunctionConfigurationPatch = {};
  if (input.Runtime !== undefined) patch.runtime = String(input.Runtime);
  if (input.Handler !== undefined) patch.handler = String(input.Handler);
  if (input.Role !== undefined) patch.role = String(input.Role);
  if (input.Description !== undefined) patch.description = String(input.Description);
  if (input.Timeout !== undefined) patch.timeout = Number(input.Timeout);
  if (input.MemorySize !== undefined) patch.memorySize = Number(input.MemorySize);
  if (input.Layers !== undefined) {
    if (!Array.isArray(input.Layers)) throw invalid('Layers must be a list of layer version ARNs');
    patch.layers = input.Layers.map(String);
  }
  if (input.Environment !== undefined) {
    const variables = (input.Environment as { Variables?: unknown } | null)?.Variables ?? {};
    if (typeof variables !== 'object' || variables === null || Object.values(variables).some((v) => typeof v !== 'string')) {
      throw invalid('Environment.Variables must map names to string values');
    }
    patch.environment = variables as Record<string, string>;
  }
  return patch;
}

function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Falls through to the error below.
  }
  throw invalid('The request body must be a JSON object');
}

function invalid(message: string): LambdaServiceError {
  return new LambdaServiceError('InvalidParameterValueException', message, 400);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendJson(res: ServerResponse, value: unknown): void {
  send(res, 200, { ...JSON_TYPE, 'x-amzn-requestid': requestId() }, JSON.stringify(value));
}
