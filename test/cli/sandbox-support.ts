import { IAMClient } from '@aws-sdk/client-iam';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/index.js';
import { lambdaFunctionConfigApi } from '../../cli/src/aws/function-config-api.js';
import { iamRolePolicyApi } from '../../cli/src/aws/role-policy-api.js';
import { readRestorableConfig, type RestorableConfig } from '../../cli/src/demo/configuration-check.js';
import { overrideEnvironment } from '../../cli/src/demo/environment.js';

export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const EXAMPLES = join(ROOT, 'examples');

/** The Node.js and Python sample functions, as the tests create them. */
export const NODE_FN = { name: 'e2e-node', runtime: 'nodejs22.x', handler: 'node/index.handler' };
export const PYTHON_FN = { name: 'e2e-python', runtime: 'python3.12', handler: 'python/app.handler' };

/** A sandbox with both sample functions, the CLI's environment pointed at it, and a temporary state dir. */
export class SandboxWorld {
  readonly lambda = new LambdaClient({ maxAttempts: 1 });
  readonly iam = new IAMClient({});
  readonly functions = lambdaFunctionConfigApi(this.lambda);
  readonly policies = iamRolePolicyApi(this.iam);

  private constructor(
    readonly sandbox: Sandbox,
    readonly stateDir: string,
    private readonly restoreEnv: () => void,
  ) {}

  static async start(options: SandboxOptions = {}): Promise<SandboxWorld> {
    if (!existsSync(join(ROOT, 'dist', 'layer', 'plldb', 'runtime.mjs'))) throw new Error('these tests run the built layer: run npm run build first');
    const quiet = overrideEnvironment({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
    const sandbox = await startSandbox(options);
    const stateDir = mkdtempSync(join(tmpdir(), 'plldb-e2e-'));
    const pointed = overrideEnvironment({ ...sandbox.env, PLLDB_STATE_DIR: stateDir });
    const restoreEnv = () => {
      pointed();
      quiet();
    };
    for (const fn of [NODE_FN, PYTHON_FN]) sandbox.createFunction({ ...fn, codeDir: EXAMPLES, timeout: 10, environment: { GREETING_STYLE: 'friendly' } });
    return new SandboxWorld(sandbox, stateDir, restoreEnv);
  }

  config(name: string): Promise<RestorableConfig> {
    return readRestorableConfig(this.functions, this.policies, name);
  }

  async invoke(name: string, event: unknown): Promise<{ requestId: string; functionError?: string; payload: Record<string, unknown> }> {
    const out = await this.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }));
    return {
      requestId: out.$metadata.requestId ?? '',
      ...(out.FunctionError ? { functionError: out.FunctionError } : {}),
      payload: JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8')) as Record<string, unknown>,
    };
  }

  async stop(): Promise<void> {
    this.lambda.destroy();
    this.iam.destroy();
    await this.sandbox.stop();
    this.restoreEnv();
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
