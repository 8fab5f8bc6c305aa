import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { invalidParameter } from './errors.js';
import type { Architecture, FunctionConfigurationPatch, FunctionDefinition } from './types.js';

const MAX_LAYERS = 5;
const ENV_LIMIT_BYTES = 4096;
/** Variables Lambda sets itself and refuses in a function's configuration. */
const RESERVED_ENV = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

/** A function's settled configuration: every default applied. */
export type ResolvedDefinition = Required<Omit<FunctionDefinition, 'description' | 'vpc'>> & { description: string; vpc?: FunctionDefinition['vpc'] };

/** The state Lambda keeps beside the definition (revision, timestamps). */
export interface FunctionRecord {
  definition: ResolvedDefinition;
  arn: string;
  revisionId: string;
  lastModified: string;
  codeSha256: string;
  codeSize: number;
}

/** Layer version ARN -> folder; sizes are measured once. */
export class LayerRegistry {
  private readonly sizes = new Map<string, number>();
  constructor(private readonly dirs: Record<string, string>) {}

  dirOf(arn: string): string {
    const dir = this.dirs[arn];
    if (dir === undefined) throw invalidParameter(`Layer version ${arn} does not exist.`);
    return dir;
  }

  codeSize(arn: string): number {
    let size = this.sizes.get(arn);
    if (size === undefined) {
      size = folderSize(this.dirOf(arn));
      this.sizes.set(arn, size);
    }
    return size;
  }

  /** Refuses unknown ARNs, layers whose folder is not built, and more than Lambda's 5 layers. */
  validate(layers: string[]): void {
    if (layers.length > MAX_LAYERS) throw invalidParameter(`Cannot reference more than ${MAX_LAYERS} layers.`);
    for (const arn of layers) {
      const dir = this.dirOf(arn);
      if (!existsSync(dir)) throw invalidParameter(`Layer version ${arn} is served from ${dir}, which does not exist: run \`npm run build\` first.`);
    }
  }
}

export function resolveDefinition(def: FunctionDefinition, accountId: string): ResolvedDefinition {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(def.name ?? '')) {
    throw invalidParameter(`Function name ${JSON.stringify(def.name)} is invalid: use 1-64 letters, digits, hyphens or underscores.`);
  }
  const resolved: ResolvedDefinition = {
    name: def.name,
    runtime: def.runtime,
    handler: def.handler,
    codeDir: def.codeDir,
    environment: { ...(def.environment ?? {}) },
    timeout: def.timeout ?? 3,
    memorySize: def.memorySize ?? 128,
    architectures: def.architectures ?? ['x86_64'],
    layers: [...(def.layers ?? [])],
    role: def.role ?? `arn:aws:iam::${accountId}:role/${def.name}-role`,
    description: def.description ?? '',
    ...(def.vpc ? { vpc: def.vpc } : {}),
  };
  validateSettings(resolved);
  if (!existsSync(resolved.codeDir)) throw invalidParameter(`codeDir ${resolved.codeDir} of function ${def.name} does not exist.`);
  return resolved;
}

export function applyPatch(current: ResolvedDefinition, patch: FunctionConfigurationPatch): ResolvedDefinition {
  const next: ResolvedDefinition = {
    ...current,
    ...definedOnly(patch),
    environment: patch.environment !== undefined ? { ...patch.environment } : current.environment,
    layers: patch.layers !== undefined ? [...patch.layers] : current.layers,
  };
  validateSettings(next);
  return next;
}

function validateSettings(def: ResolvedDefinition): void {
  if (!def.runtime) throw invalidParameter('Runtime is required, e.g. nodejs22.x or python3.12.');
  if (!def.handler) throw invalidParameter('Handler is required, e.g. index.handler.');
  if (!Number.isInteger(def.timeout) || def.timeout < 1 || def.timeout > 900) {
    throw invalidParameter(`1 validation error detected: Value '${def.timeout}' at 'timeout' failed to satisfy constraint: Member must have value between 1 and 900`);
  }
  if (!Number.isInteger(def.memorySize) || def.memorySize < 128 || def.memorySize > 10240) {
    throw invalidParameter(`1 validation error detected: Value '${def.memorySize}' at 'memorySize' failed to satisfy constraint: Member must have value between 128 and 10240`);
  }
  const arch: Architecture[] = ['x86_64', 'arm64'];
  if (def.architectures.length !== 1 || !arch.includes(def.architectures[0] as Architecture)) {
    throw invalidParameter(`Architectures must be exactly one of ${arch.join(', ')}.`);
  }
  const reserved = Object.keys(def.environment).filter((k) => RESERVED_ENV.has(k));
  if (reserved.length > 0) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const measured = JSON.stringify(def.environment);
  if (Buffer.byteLength(measured) > ENV_LIMIT_BYTES) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
}

export function newRecord(definition: ResolvedDefinition, region: string, accountId: string): FunctionRecord {
  return { definition, arn: `arn:aws:lambda:${region}:${accountId}:function:${definition.name}`, ...revision(), ...codeDigest(definition.codeDir) };
}

export function revision(): Pick<FunctionRecord, 'revisionId' | 'lastModified'> {
  // Lambda's LastModified format: 2024-01-01T00:00:00.000+0000.
  return { revisionId: randomUUID(), lastModified: new Date().toISOString().replace('Z', '+0000') };
}

/** The FunctionConfiguration document GetFunctionConfiguration / UpdateFunctionConfiguration return. */
export function toConfiguration(record: FunctionRecord, layers: LayerRegistry): FunctionConfiguration {
  const def = record.definition;
  return {
    FunctionName: def.name,
    FunctionArn: record.arn,
    Runtime: def.runtime as FunctionConfiguration['Runtime'],
    Role: def.role,
    Handler: def.handler,
    CodeSize: record.codeSize,
    Description: def.description,
    Timeout: def.timeout,
    MemorySize: def.memorySize,
    LastModified: record.lastModified,
    CodeSha256: record.codeSha256,
    Version: '$LATEST',
    ...(Object.keys(def.environment).length > 0 ? { Environment: { Variables: { ...def.environment } } } : {}),
    TracingConfig: { Mode: 'PassThrough' },
    ...(def.vpc ? { VpcConfig: { SubnetIds: [...def.vpc.subnetIds], SecurityGroupIds: [...def.vpc.securityGroupIds], VpcId: 'vpc-sandbox' } } : {}),
    RevisionId: record.revisionId,
    ...(def.layers.length > 0 ? { Layers: def.layers.map((arn) => ({ Arn: arn, CodeSize: layers.codeSize(arn) })) } : {}),
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: [...def.architectures],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${def.name}` },
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function codeDigest(dir: string): Pick<FunctionRecord, 'codeSha256' | 'codeSize'> {
  const hash = createHash('sha256');
  let size = 0;
  for (const file of listFiles(dir)) {
    hash.update(file.path);
    hash.update(String(file.size));
    size += file.size;
  }
  return { codeSha256: hash.digest('base64'), codeSize: size };
}

function folderSize(dir: string): number {
  return existsSync(dir) ? listFiles(dir).reduce((sum, f) => sum + f.size, 0) : 0;
}

function listFiles(dir: string): { path: string; size: number }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path, size: statSync(path).size };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}
