import { CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Env, StackOutput } from '../../protocol/index.js';
import { DebuggerRole } from './debugger-role.js';
import { DebuggerLayers } from './layers.js';
import type { StackNames } from './names.js';
import { QueueSweeper } from './queue-sweeper.js';
import { RequestTable } from './request-table.js';
import { StreamRelay } from './stream-relay.js';
import { DebuggerWebSocketApi } from './websocket-api.js';

export interface PlldbStackProps extends StackProps {
  names: StackNames;
  /** KMS key ARN for the request table; unset: the AWS owned key. */
  tableEncryptionKeyArn?: string;
}

/**
 * Everything the debugger layer needs in an account. Environment-agnostic (no lookups), so it
 * synthesizes without credentials; the CLI reads the outputs by stack name.
 */
export class PlldbStack extends Stack {
  readonly requestTable: RequestTable;
  readonly webSocket: DebuggerWebSocketApi;
  readonly debuggerRole: DebuggerRole;
  readonly relay: StreamRelay;
  readonly layers: DebuggerLayers;
  readonly sweeper: QueueSweeper;

  constructor(scope: Construct, id: string, props: PlldbStackProps) {
    super(scope, id, { description: 'PLLDB: debug deployed Lambda functions from your machine', ...props });
    const { names } = props;
    this.requestTable = new RequestTable(this, 'Requests', {
      tableName: names.tableName,
      ...(props.tableEncryptionKeyArn !== undefined ? { encryptionKeyArn: props.tableEncryptionKeyArn } : {}),
    });
    this.webSocket = new DebuggerWebSocketApi(this, 'WebSocket', { apiName: names.webSocketApiName, table: this.requestTable, queuePrefix: names.queuePrefix });
    this.debuggerRole = new DebuggerRole(this, 'Debugger', {
      roleName: names.roleName,
      table: this.requestTable,
      queuePrefix: names.queuePrefix,
      webSocketApi: this.webSocket.api,
      webSocketStageName: this.webSocket.stage.stageName,
    });
    this.relay = new StreamRelay(this, 'StreamRelay', { table: this.requestTable, queuePrefix: names.queuePrefix });
    this.layers = new DebuggerLayers(this, 'Layers', { resourcePrefix: names.resourcePrefix });
    for (const role of [this.debuggerRole.role, this.webSocket.handler.role, this.relay.role]) this.requestTable.grantKeyUse(role);
    this.sweeper = new QueueSweeper(this, 'QueueSweeper', { queuePrefix: names.queuePrefix, table: this.requestTable });

    const outputs: Record<keyof typeof StackOutput, [string, string]> = {
      NodeLayerArn: [this.layers.nodeLayer.layerVersionArn, 'Layer for Node.js functions'],
      StandaloneLayerX8664Arn: [this.layers.standaloneX8664.layerVersionArn, 'Layer with its own Node.js, x86_64 functions'],
      StandaloneLayerArm64Arn: [this.layers.standaloneArm64.layerVersionArn, 'Layer with its own Node.js, arm64 functions'],
      WebSocketUrl: [this.webSocket.stage.url, 'WebSocket URL the debugger connects to (IAM-signed)'],
      WebSocketManagementEndpoint: [this.webSocket.managementEndpoint, 'Management endpoint for PostToConnection (DEBUGGER_WEBSOCKET_API_ENDPOINT)'],
      DebuggerRoleArn: [this.debuggerRole.role.roleArn, 'Role the runtime and the CLI assume (external id required)'],
      TableName: [this.requestTable.table.tableName, 'Request table'],
      QueuePrefix: [names.queuePrefix, 'Name prefix of the per-invocation queues'],
      AnswerSenderIds: [
        Fn.join(',', [this.webSocket.handler.role.roleId, this.relay.role.roleId]),
        `Role ids of the $default route and the relay, the only senders the runtime believes on its queue (${Env.AnswerSenderIds})`,
      ],
    };
    for (const [key, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, StackOutput[key as keyof typeof StackOutput], { value, description });
    }
  }
}
