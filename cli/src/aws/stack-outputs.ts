import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { StackOutput } from '../../../protocol/index.js';
import { CliError, explainAwsError } from '../errors.js';

/** What the CLI needs from the helper stack, read from its CloudFormation outputs. */
export interface HelperStack {
  stackName: string;
  nodeLayerArn: string;
  standaloneLayerArns: { x86_64: string; arm64: string };
  /** `wss://{api}.execute-api.{region}.amazonaws.com/{stage}` (a local stand-in may use ws://). */
  webSocketUrl: string;
  /** `https://{api}.execute-api.{region}.amazonaws.com/{stage}`: DEBUGGER_WEBSOCKET_API_ENDPOINT. */
  managementEndpoint: string;
  debuggerRoleArn: string;
  tableName: string;
  /** PLLDB_ANSWER_SENDER_IDS: role ids of the `$default` route and the relay. */
  answerSenderIds: string;
}

/** CloudFormation DescribeStacks, reduced to the outputs of one stack. */
export interface StackOutputsApi {
  outputs(stackName: string): Promise<Record<string, string>>;
}

export function cloudFormationStackOutputsApi(client: CloudFormationClient): StackOutputsApi {
  return {
    async outputs(stackName) {
      try {
        const out = await client.send(new DescribeStacksCommand({ StackName: stackName }));
        const stack = out.Stacks?.[0];
        if (!stack) throw notDeployed(stackName);
        const result: Record<string, string> = {};
        for (const o of stack.Outputs ?? []) if (o.OutputKey && o.OutputValue !== undefined) result[o.OutputKey] = o.OutputValue;
        return result;
      } catch (err) {
        if ((err as Error).name === 'ValidationError' && /does not exist/.test((err as Error).message)) throw notDeployed(stackName);
        throw explainAwsError(err, `read the outputs of stack ${stackName}`);
      }
    },
  };
}

function notDeployed(stackName: string): CliError {
  return new CliError(`the helper stack ${stackName} is not deployed in this account and region`, `deploy the helper stack: plldb deploy --stack ${stackName} (or pass --stack / --region for the one you deployed)`);
}

/** Reads the helper stack's outputs; a missing output means the stack is not the one plldb expects. */
export async function loadHelperStack(api: StackOutputsApi, stackName: string): Promise<HelperStack> {
  const outputs = await api.outputs(stackName);
  const need = (key: string): string => {
    const value = outputs[key];
    if (!value) throw new CliError(`stack ${stackName} has no output ${key}; it is not a PLLDB helper stack or is out of date`, `deploy the current helper stack: plldb deploy --stack ${stackName}`);
    return value;
  };
  return {
    stackName,
    nodeLayerArn: need(StackOutput.NodeLayerArn),
    standaloneLayerArns: { x86_64: need(StackOutput.StandaloneLayerX8664Arn), arm64: need(StackOutput.StandaloneLayerArm64Arn) },
    webSocketUrl: need(StackOutput.WebSocketUrl),
    managementEndpoint: need(StackOutput.WebSocketManagementEndpoint),
    debuggerRoleArn: need(StackOutput.DebuggerRoleArn),
    tableName: need(StackOutput.TableName),
    answerSenderIds: need(StackOutput.AnswerSenderIds),
  };
}
