import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ATTACHED_ROLE_TAG, ROLE_EXTERNAL_ID, RuntimeActions } from '../../protocol/index.js';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { grantManageConnections, grantQueues } from './policies.js';
import type { RequestTable } from './request-table.js';

export interface DebuggerRoleProps {
  roleName: string;
  table: RequestTable;
  queuePrefix: string;
  webSocketApi: apigwv2.WebSocketApi;
  webSocketStageName: string;
}

/**
 * The role a debugged function's runtime assumes. Only principals of this account that carry the
 * tag `plldb attach` keeps on the execution roles of attached functions may assume it, and only
 * with the external id; it grants only the calls the runtime makes, on this stack's table,
 * PLLDB's queues and this API stage's connections (the runtime narrows the connections further
 * with a session policy).
 */
export class DebuggerRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: DebuggerRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'PLLDB: assumed by the runtime of debugged functions',
      assumedBy: new iam.AccountRootPrincipal().withConditions({
        StringEquals: { 'sts:ExternalId': ROLE_EXTERNAL_ID, [`aws:PrincipalTag/${ATTACHED_ROLE_TAG.key}`]: ATTACHED_ROLE_TAG.value },
      }),
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...RuntimeActions.table], resources: [props.table.table.tableArn] }));
    grantQueues(this.role, props.queuePrefix, [...RuntimeActions.queue]);
    // POST notifies the debugger; GET lets a pass-through environment see that a debugger is back.
    grantManageConnections(this.role, props.webSocketApi, props.webSocketStageName, ['POST', 'GET']);
  }
}
