import { ListStackResourcesCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { explainAwsError } from '../errors.js';
import type { DiscoveredFunction } from './types.js';

/** Logical id -> physical name of a deployed stack's Lambda functions; undefined when the stack is not deployed. */
export interface DeployedFunctionsApi {
  functionNames(stackName: string): Promise<Map<string, string> | undefined>;
}

export function cloudFormationDeployedFunctions(client: CloudFormationClient): DeployedFunctionsApi {
  return {
    async functionNames(stackName) {
      const names = new Map<string, string>();
      let token: string | undefined;
      try {
        do {
          const page = await client.send(new ListStackResourcesCommand({ StackName: stackName, ...(token ? { NextToken: token } : {}) }));
          for (const r of page.StackResourceSummaries ?? []) {
            if (r.ResourceType === 'AWS::Lambda::Function' && r.LogicalResourceId && r.PhysicalResourceId) names.set(r.LogicalResourceId, r.PhysicalResourceId);
          }
          token = page.NextToken;
        } while (token);
      } catch (err) {
        if ((err as Error).name === 'ValidationError' && /does not exist/.test((err as Error).message)) return undefined;
        throw explainAwsError(err, `list the resources of stack ${stackName}`);
      }
      return names;
    },
  };
}

/** Sets functionName from the deployed stacks, or notDeployed with why. */
export async function addDeployedNames(functions: DiscoveredFunction[], api: DeployedFunctionsApi): Promise<DiscoveredFunction[]> {
  const stacks = new Map<string, Map<string, string> | undefined | Error>();
  for (const stackName of new Set(functions.flatMap((f) => (f.stackName && !f.functionName ? [f.stackName] : [])))) {
    stacks.set(stackName, await api.functionNames(stackName).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))));
  }
  return functions.map((fn) => {
    if (fn.functionName || !fn.stackName) return fn.functionName || fn.stackName ? fn : { ...fn, notDeployed: 'the project names no stack: pass --stack or set "stack" in plldb.config.json' };
    const names = stacks.get(fn.stackName);
    if (names instanceof Error) return { ...fn, notDeployed: `its deployed name is unknown (${names.message})` };
    if (!names) return { ...fn, notDeployed: `stack ${fn.stackName} is not deployed in this account and region` };
    const name = names.get(fn.logicalId);
    return name ? { ...fn, functionName: name } : { ...fn, notDeployed: `stack ${fn.stackName} has no function ${fn.logicalId} yet (deploy the project again)` };
  });
}
