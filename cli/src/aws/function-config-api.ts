import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { CliError, explainAwsError, FunctionNotFoundError } from '../errors.js';

/** The parts of a function's configuration that attach reads or changes. */
export interface FunctionConfig {
  name: string;
  arn: string;
  /** Undefined for container-image functions. */
  runtime?: string;
  architecture: 'x86_64' | 'arm64';
  packageType: string;
  /** Layer version ARNs, in order. */
  layers: string[];
  /** Undefined when the function has no environment at all (restored as such). */
  environment?: Record<string, string>;
  timeout: number;
  role: string;
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

/** Lambda GetFunctionConfiguration / UpdateFunctionConfiguration. */
export interface FunctionConfigApi {
  get(functionName: string): Promise<FunctionConfig>;
  /** Applies the change and waits until Lambda has finished updating the function. */
  update(functionName: string, change: FunctionConfigChange): Promise<void>;
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
  async function waitUntilUpdated(functionName: string): Promise<void> {
    for (let waited = 0; waited < UPDATE_WAIT_MS; waited += UPDATE_POLL_MS) {
      const raw = await getRaw(functionName);
      if (raw.LastUpdateStatus !== 'InProgress') {
        if (raw.LastUpdateStatus === 'Failed') throw new CliError(`Lambda failed to update function ${functionName}: ${raw.LastUpdateStatusReason ?? 'no reason given'}`);
        return;
      }
      await sleep(UPDATE_POLL_MS);
    }
    throw new CliError(`function ${functionName} is still being updated after ${UPDATE_WAIT_MS / 1000} s`, 'wait until its update finishes and run the command again');
  }

  return {
    async get(functionName) {
      const raw = await getRaw(functionName);
      return {
        name: raw.FunctionName ?? functionName,
        arn: unqualifiedArn(raw.FunctionArn ?? functionName),
        ...(raw.Runtime ? { runtime: raw.Runtime } : {}),
        architecture: raw.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
        packageType: raw.PackageType ?? 'Zip',
        layers: (raw.Layers ?? []).map((l) => l.Arn ?? '').filter((arn) => arn !== ''),
        ...(raw.Environment?.Variables ? { environment: { ...raw.Environment.Variables } } : {}),
        timeout: raw.Timeout ?? 3,
        role: raw.Role ?? '',
        ...(raw.Handler ? { handler: raw.Handler } : {}),
        memorySize: raw.MemorySize ?? 128,
      };
    },
    async update(functionName, change) {
      await waitUntilUpdated(functionName);
      try {
        await client.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: functionName,
            Layers: change.layers,
            Environment: { Variables: change.environment },
            Timeout: change.timeout,
          }),
        );
      } catch (err) {
        throw explainAwsError(err, `update the configuration of function ${functionName}`);
      }
      await waitUntilUpdated(functionName);
    },
  };
}
