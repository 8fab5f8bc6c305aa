import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ROLE_EXTERNAL_ID } from '../../protocol/index.js';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { grantPostToConnection, grantQueues } from './policies.js';
import type { RequestTable } from './request-table.js';

export interface DebuggerRoleProps {
  roleName: string;
  table: RequestTable;
  queuePrefix: string;
  webSocketApi: apigwv2.WebSocketApi;
  webSocketStageName: string;
}

/** Queue actions the runtime needs for its per-invocation queue's whole life. */
export const RUNTIME_QUEUE_ACTIONS = [
  'sqs:CreateQueue',
  'sqs:GetQueueUrl',
  'sqs:GetQueueAttributes',
  'sqs:SendMessage',
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:DeleteQueue',
];

/** Item actions of the runtime (write, poll, record delivery) and the CLI (read, query by session/connection). */
export const TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'];

/**
 * The role a debugged function's runtime and a developer's CLI assume. Any principal of the
 * account may assume it if its own policy allows and it sends the external id; the role can
 * touch only this stack's table, queues and WebSocket connections.
 */
export class DebuggerRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: DebuggerRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'PLLDB: assumed by debugged functions and the plldb CLI',
      assumedBy: new iam.AccountRootPrincipal().withConditions({ StringEquals: { 'sts:ExternalId': ROLE_EXTERNAL_ID } }),
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: TABLE_ACTIONS, resources: props.table.arnsWithIndexes }));
    grantQueues(this.role, props.queuePrefix, RUNTIME_QUEUE_ACTIONS);
    grantPostToConnection(this.role, props.webSocketApi, props.webSocketStageName);
  }
}
