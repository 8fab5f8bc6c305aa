import { Duration } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { Env, GSI_CONNECTION_ID } from '../../protocol/index.js';
import { LoggedFunction } from './logged-function.js';
import { acknowledge, grantManageConnections, grantQueues } from './policies.js';
import type { RequestTable } from './request-table.js';

export const WEBSOCKET_STAGE_NAME = 'prod';

export interface WebSocketApiProps {
  apiName: string;
  table: RequestTable;
  queuePrefix: string;
}

/** `PLLDBWebSocket`: debuggers connect (IAM-signed) and answer through `$default`. */
export class DebuggerWebSocketApi extends Construct {
  readonly api: apigwv2.WebSocketApi;
  readonly stage: apigwv2.WebSocketStage;
  readonly handler: LoggedFunction;

  constructor(scope: Construct, id: string, props: WebSocketApiProps) {
    super(scope, id);
    this.handler = new LoggedFunction(this, 'Handler', {
      description: 'PLLDB WebSocket routes: stores debugger answers and forwards them to the invocation queue',
      bundle: 'websocket',
      timeout: Duration.seconds(15),
      environment: { [Env.TableName]: props.table.table.tableName },
    });
    // Not 'Default': CDK drops that id from logical ids, which would clash with the route's own.
    const integration = (routeId: string) => new WebSocketLambdaIntegration(`${routeId}Integration`, this.handler.function);
    this.api = new apigwv2.WebSocketApi(this, 'Api', { apiName: props.apiName, description: 'PLLDB: debugger connections' });
    this.api.addRoute('$connect', { integration: integration('Connect'), authorizer: new WebSocketIamAuthorizer() });
    for (const [routeKey, routeId] of [
      ['$disconnect', 'Disconnect'],
      ['$default', 'Default'],
    ] as const) {
      const route = this.api.addRoute(routeKey, { integration: integration(routeId) });
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        'API Gateway authorizes WebSocket APIs on $connect only (IAM here); later messages travel on that authorized connection.',
      );
    }
    this.stage = new apigwv2.WebSocketStage(this, 'Stage', { webSocketApi: this.api, stageName: WEBSOCKET_STAGE_NAME, autoDeploy: true });
    acknowledge(
      this.stage,
      'AwsSolutions-APIG1',
      'WebSocket access logging needs the account-wide API Gateway CloudWatch role, which this stack must not change; the route handler logs every message (one JSON line, no bodies) to its own log group.',
    );

    const role = this.handler.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'], resources: [props.table.table.tableArn] }),
    );
    // $disconnect finds the connection's waiting invocations.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${props.table.table.tableArn}/index/${GSI_CONNECTION_ID}`] }));
    grantQueues(role, props.queuePrefix, ['sqs:GetQueueUrl', 'sqs:SendMessage']);
    grantManageConnections(role, this.api, this.stage.stageName);
  }

  /** The management endpoint (`https://`) PostToConnection goes to. */
  get managementEndpoint(): string {
    return this.stage.callbackUrl;
  }
}
