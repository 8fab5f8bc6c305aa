import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackResource } from '../../../sandbox/control-plane/index.js';
import type { Sandbox } from '../../../sandbox/sandbox.js';
import { functionSource } from '../runners/function-sources.js';
import { splitHandler } from './handler-source.js';
import type { DiscoveredFunction } from './types.js';

/** Lambda's function names are at most 64 characters (Lambda API reference, CreateFunction: FunctionName). */
const MAX_FUNCTION_NAME = 64;
const LAMBDA_FUNCTION = 'AWS::Lambda::Function';

/** What hosting a project's functions in the sandbox needs of it. */
export type SandboxHost = Pick<Sandbox, 'createFunction'> & { services: { controlPlane: Pick<Sandbox['services']['controlPlane'], 'cloudFormation'> } };

export interface SandboxDeployment {
  /** One per function created: its logical id, stack and the name it got. */
  deployed: { logicalId: string; stackName: string; functionName: string; runtime: string; handler: string }[];
  /** One line per function left out, with the reason. */
  skipped: string[];
}

/** `{stack}-{logical id}`, cut to Lambda's limit, as CloudFormation names a function the template names not. */
export function sandboxFunctionName(stackName: string, logicalId: string): string {
  return `${stackName}-${logicalId}`.slice(0, MAX_FUNCTION_NAME);
}

/**
 * The code folder the function runs from in the sandbox: a Python function's own package root; a
 * Node.js function's source bundled by esbuild into `{module}.js` in `workDir`, as NodejsFunction
 * deploys it (the deployed handler names that file).
 */
async function codeFolder(fn: DiscoveredFunction & { source: string; runtime: string; handler: string }, workDir: string): Promise<string> {
  if (fn.runtime.startsWith('python')) return functionSource({ source: fn.source, export: fn.export ?? 'handler', handler: fn.handler, runtime: fn.runtime }).codeDir;
  const module = splitHandler(fn.handler, fn.runtime)?.module ?? 'index';
  const dir = join(workDir, fn.logicalId);
  mkdirSync(dir, { recursive: true });
  await build({ entryPoints: [fn.source], outfile: join(dir, `${module}.js`), bundle: true, platform: 'node', format: 'cjs', target: `node${process.versions.node.split('.')[0]}`, logLevel: 'silent' });
  return dir;
}

/**
 * Puts a project's discovered functions into the sandbox as if its stacks were deployed: each
 * mapped Node.js or Python function is created with its runtime, handler and code, and each stack
 * is registered with its functions as resources (so ListStackResources gives their names).
 */
export async function deployToSandbox(sandbox: SandboxHost, functions: DiscoveredFunction[], workDir: string): Promise<SandboxDeployment> {
  const result: SandboxDeployment = { deployed: [], skipped: [] };
  const stacks = new Map<string, StackResource[]>();
  for (const fn of functions) {
    const { source, runtime, handler, stackName } = fn;
    if (fn.problem) result.skipped.push(`${fn.logicalId}: ${fn.problem}`);
    else if (!source || !runtime || !handler || !stackName) result.skipped.push(`${fn.logicalId}: its ${!stackName ? 'stack' : 'runtime and handler'} are not known from the project`);
    else if (!runtime.startsWith('nodejs') && !runtime.startsWith('python')) result.skipped.push(`${fn.logicalId}: the sandbox hosts Node.js and Python functions, not ${runtime}`);
    else {
      const functionName = sandboxFunctionName(stackName, fn.logicalId);
      sandbox.createFunction({ name: functionName, runtime, handler, codeDir: await codeFolder({ ...fn, source, runtime, handler }, workDir) });
      stacks.set(stackName, [...(stacks.get(stackName) ?? []), { logicalId: fn.logicalId, physicalId: functionName, type: LAMBDA_FUNCTION }]);
      result.deployed.push({ logicalId: fn.logicalId, stackName, functionName, runtime, handler });
    }
  }
  for (const [stackName, resources] of stacks) sandbox.services.controlPlane.cloudFormation.setStack({ stackName, outputs: {}, resources });
  return result;
}
