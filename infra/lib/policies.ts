import { Aws, Stack, Validations } from 'aws-cdk-lib';
import type { CfnElement } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * Records a cdk-nag finding as acknowledged, with its reason; the app writes these into the
 * template's metadata. `finding` is the rule id, or `RuleId[Finding]` for one finding.
 */
export function acknowledge(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: finding, reason });
}

/** Allows `actions` on this stack's per-invocation queues only (their names are made per invocation). */
export function grantQueues(role: iam.Role, queuePrefix: string, actions: string[]): void {
  const pattern = (partition: string, region: string, account: string) => `arn:${partition}:sqs:${region}:${account}:${queuePrefix}*`;
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [pattern(Aws.PARTITION, Aws.REGION, Aws.ACCOUNT_ID)] }));
  acknowledge(
    role,
    `AwsSolutions-IAM5[Resource::${pattern('<AWS::Partition>', '<AWS::Region>', '<AWS::AccountId>')}]`,
    `Per-invocation queues are created at run time with the name prefix "${queuePrefix}"; the wildcard covers only those.`,
  );
}

/**
 * Allows ManageConnections with the given methods (POST: PostToConnection, GET: GetConnection) on
 * connections of one stage of this stack's WebSocket API only.
 */
export function grantManageConnections(role: iam.Role, api: apigwv2.WebSocketApi, stageName: string, methods: readonly ('POST' | 'GET')[] = ['POST']): void {
  const arn = (method: string, partition: string, region: string, account: string, apiId: string) =>
    `arn:${partition}:execute-api:${region}:${account}:${apiId}/${stageName}/${method}/@connections/*`;
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['execute-api:ManageConnections'], resources: methods.map((m) => arn(m, Aws.PARTITION, Aws.REGION, Aws.ACCOUNT_ID, api.apiId)) }),
  );
  const apiLogicalId = Stack.of(api).getLogicalId(api.node.defaultChild as CfnElement);
  for (const method of methods) {
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${arn(method, '<AWS::Partition>', '<AWS::Region>', '<AWS::AccountId>', `<${apiLogicalId}>`)}]`,
      `Connection ids are made per WebSocket connection; the wildcard covers only ${method} on connections of this API stage.`,
    );
  }
}
