import {
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
  LambdaClient,
  paginateListFunctions,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { CliError, explainAwsError, FunctionNotFoundError } from '../errors.js';

/** The parts of a function's configuration that attach, detach and status read or change. */
export interface FunctionConfig {
  name: string;
  arn: string;
  /** Undefined for container-image functions. */
  runtime?: string;
  architecture: 'x86_64' | 'arm64';
  packageType: string;
  /** Layer version ARNs, in order. */
  layers: string[];
  /** Each layer's CodeSize (bytes, its .zip archive), by ARN, where Lambda reports it. */
  layerCodeSizes: Record<string, number>;
  /** The function's own CodeSize (bytes, its .zip archive). */
  codeSize: number;
  /** Undefined when the function has no environment at all (restored as such). */
  environment?: Record<string, string>;
  /** Environment.Error: Lambda could not give the variables (e.g. a KMS key the caller cannot use). */
  environmentError?: string;
  /** The customer managed KMS key of the environment, when the function has one. */
  kmsKeyArn?: string;
  timeout: number;
  role: string;
  /** The revision this read saw: an update carrying it fails if the function changed since. */
  revisionId: string;
  /** Set when the function is connected to a VPC. */
  vpc?: { vpcId: string; subnetIds: string[] };
  /** Runs on Lambda Managed Instances (a capacity provider). */
  managedInstances: boolean;
  /** Undefined for container-image functions. */
  handler?: string;
  memorySize: number;
}

/** What attach and detach write; every field is written as given. */
export interface FunctionConfigChange {
  layers: string[];
  environment: Record<string, string>;
  timeout: number;
}

/** The function changed between the read and the update (Lambda's PreconditionFailedException). */
export class RevisionChangedError extends Error {
  override readonly name = 'RevisionChangedError';
}

/** Lambda Get/UpdateFunctionConfiguration, ListFunctions and GetLayerVersionByArn. */
export interface FunctionConfigApi {
  /** Reads the configuration once no update is in progress. */
  get(functionName: string): Promise<FunctionConfig>;
  /**
   * Applies the change only if the function is still at `revisionId` (else RevisionChangedError),
   * and waits until Lambda has finished updating the function.
   */
  update(functionName: string, change: FunctionConfigChange, revisionId: string): Promise<void>;
  /** Every function of the region (ListFunctions, all pages). */
  list(): Promise<FunctionConfig[]>;
  /** A layer version's CodeSize (bytes, its .zip archive); undefined when Lambda does not say. */
  layerCodeSize(layerArn: string): Promise<number | undefined>;
}

/** `arn:aws:lambda:region:account:function:name[:qualifier]` without the qualifier. */
function unqualifiedArn(arn: string): string {
  return arn.startsWith('arn:') ? arn.split(':').slice(0, 7).join(':') : arn;
}

/** Whether a function name, partial ARN or ARN names a version or alias (`name:qualifier`). */
export function hasQualifier(functionName: string): boolean {
  const parts = functionName.split(':').length;
  return functionName.startsWith('arn:') ? parts > 7 : parts === 2 || parts === 4;
}

const UPDATE_POLL_MS = 1000;
const UPDATE_WAIT_MS = 60_000;
/** Lambda's quota: function code and all its layers, unzipped, at most 250 MB (262,144,000 bytes). */
export const UNZIPPED_CODE_LIMIT_BYTES = 262_144_000;

function toFunctionConfig(raw: FunctionConfiguration, fallbackName: string): FunctionConfig {
  const layers = (raw.Layers ?? []).filter((l) => l.Arn);
  const error = raw.Environment?.Error;
  const vpcSubnets = raw.VpcConfig?.SubnetIds ?? [];
  return {
    name: raw.FunctionName ?? fallbackName,
    arn: unqualifiedArn(raw.FunctionArn ?? fallbackName),
    ...(raw.Runtime ? { runtime: raw.Runtime } : {}),
    architecture: raw.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
    packageType: raw.PackageType ?? 'Zip',
    layers: layers.map((l) => l.Arn as string),
    layerCodeSizes: Object.fromEntries(layers.filter((l) => l.CodeSize !== undefined).map((l) => [l.Arn as string, l.CodeSize as number])),
    codeSize: raw.CodeSize ?? 0,
    ...(raw.Environment?.Variables ? { environment: { ...raw.Environment.Variables } } : {}),
    ...(error ? { environmentError: [error.ErrorCode, error.Message].filter(Boolean).join(': ') || 'unknown error' } : {}),
    ...(raw.KMSKeyArn ? { kmsKeyArn: raw.KMSKeyArn } : {}),
    timeout: raw.Timeout ?? 3,
    role: raw.Role ?? '',
    revisionId: raw.RevisionId ?? '',
    ...(vpcSubnets.length > 0 ? { vpc: { vpcId: raw.VpcConfig?.VpcId ?? '', subnetIds: vpcSubnets } } : {}),
    managedInstances: raw.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig !== undefined,
    ...(raw.Handler ? { handler: raw.Handler } : {}),
    memorySize: raw.MemorySize ?? 128,
  };
}

export function lambdaFunctionConfigApi(client: LambdaClient, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): FunctionConfigApi {
  async function getRaw(functionName: string): Promise<FunctionConfiguration> {
    try {
      return await client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    } catch (err) {
      if ((err as Error).name === 'ResourceNotFoundException') {
        throw new FunctionNotFoundError(functionName);
      }
      throw explainAwsError(err, `read the configuration of function ${functionName}`);
    }
  }

  // A function being updated refuses another update (ResourceConflictException): wait it out.
  async function settled(functionName: string): Promise<FunctionConfiguration> {
    for (let waited = 0; waited < UPDATE_WAIT_MS; waited += UPDATE_POLL_MS) {
      const raw = await getRaw(functionName);
      if (raw.LastUpdateStatus !== 'InProgress') {
        if (raw.LastUpdateStatus === 'Failed') throw new CliError(`Lambda failed to update function ${functionName}: ${raw.LastUpdateStatusReason ?? 'no reason given'}`);
        return raw;
      }
      await sleep(UPDATE_POLL_MS);
    }
    throw new CliError(`function ${functionName} is still being updated after ${UPDATE_WAIT_MS / 1000} s`, 'wait until its update finishes and run the command again');
  }

  return {
    async get(functionName) {
      return toFunctionConfig(await settled(functionName), functionName);
    },
    async update(functionName, change, revisionId) {
      try {
        await client.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: functionName,
            Layers: change.layers,
            Environment: { Variables: change.environment },
            Timeout: change.timeout,
            RevisionId: revisionId,
          }),
        );
      } catch (err) {
        const name = (err as Error).name;
        if (name === 'PreconditionFailedException') throw new RevisionChangedError(`function ${functionName} changed since it was read`);
        if (name === 'InvalidParameterValueException' && /unzipped size/i.test((err as Error).message)) {
          throw new CliError(
            `function ${functionName} with PLLDB's layer would pass Lambda's limit of 250 MB for code and layers unzipped: ${(err as Error).message}`,
            'debug a build of the function with fewer or smaller dependencies (or one layer less) while you debug it',
          );
        }
        throw explainAwsError(err, `update the configuration of function ${functionName}`);
      }
      await settled(functionName);
    },
    async list() {
      const all: FunctionConfig[] = [];
      try {
        for await (const page of paginateListFunctions({ client }, {})) {
          for (const raw of page.Functions ?? []) all.push(toFunctionConfig(raw, raw.FunctionName ?? ''));
        }
      } catch (err) {
        throw explainAwsError(err, 'list the functions of the region');
      }
      return all;
    },
    async layerCodeSize(layerArn) {
      try {
        const out = await client.send(new GetLayerVersionByArnCommand({ Arn: layerArn }));
        return out.Content?.CodeSize;
      } catch (err) {
        throw explainAwsError(err, `read layer version ${layerArn}`);
      }
    },
  };
}
