import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { Env } from '../../protocol/index.js';
import type { RequestTable } from './request-table.js';
import { LoggedFunction } from './logged-function.js';
import { acknowledge, grantQueues } from './policies.js';

/** Deletes per-invocation queues whose runtime was killed mid-wait, on a schedule. */
export class QueueSweeper extends Construct {
  readonly handler: LoggedFunction;

  constructor(scope: Construct, id: string, props: { queuePrefix: string; table: RequestTable }) {
    super(scope, id);
    this.handler = new LoggedFunction(this, 'Sweeper', {
      description: 'PLLDB: deletes per-invocation queues left behind by interrupted invocations',
      bundle: 'sweeper',
      timeout: Duration.minutes(5),
      environment: { [Env.QueuePrefix]: props.queuePrefix, [Env.TableName]: props.table.table.tableName },
    });
    const role = this.handler.role;
    grantQueues(role, props.queuePrefix, ['sqs:GetQueueAttributes', 'sqs:DeleteQueue']);
    // The status of a queue's invocation: a queue is deleted only once its invocation is over.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [props.table.table.tableArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:ListQueues'], resources: ['*'] }));
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', 'sqs:ListQueues supports no resource-level permission; the sweeper lists with the PLLDB queue prefix and may delete only prefixed queues.');
    new events.Rule(this, 'Schedule', {
      description: 'PLLDB: sweep orphaned invocation queues',
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(this.handler.function, { retryAttempts: 0 })],
    });
  }
}
