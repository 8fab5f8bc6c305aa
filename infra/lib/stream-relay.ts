import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ANSWER_FILTER_PATTERN_STRINGS, Env } from '../../protocol/index.js';
import { LoggedFunction } from './logged-function.js';
import { acknowledge, grantQueues } from './policies.js';
import type { RequestTable } from './request-table.js';

/** Lambda's longest invocation: an answer older than this has nobody waiting for it. */
const MAX_RECORD_AGE = Duration.minutes(15);

/** The stream relay: answers written to the table -> the invocation's queue. */
export class StreamRelay extends Construct {
  readonly function: lambda.Function;
  /** Its execution role: the SenderId of what it puts on an invocation's queue. */
  readonly role: iam.Role;
  /** Where batches that kept failing are described (stream positions, not the answers). */
  readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string, props: { table: RequestTable; queuePrefix: string }) {
    super(scope, id);
    const relay = new LoggedFunction(this, 'Relay', {
      description: 'PLLDB stream relay: sends answers written to the request table to their invocation queue',
      bundle: 'relay',
      timeout: Duration.seconds(30),
      environment: { [Env.TableName]: props.table.table.tableName },
    });
    this.function = relay.function;
    this.role = relay.role;
    grantQueues(relay.role, props.queuePrefix, ['sqs:GetQueueUrl', 'sqs:SendMessage']);
    // The relay reads an item's status when its queue is gone (finished invocation, or not yet there).
    relay.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [props.table.table.tableArn] }));
    this.failures = new sqs.Queue(this, 'Failures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.failures, 'AwsSolutions-SQS3', "This queue is the relay's on-failure destination, the last stop: a DLQ behind it would only move the same batch descriptions.");
    this.function.addEventSource(
      new DynamoEventSource(props.table.table, {
        startingPosition: lambda.StartingPosition.LATEST,
        // Latency first: invoke as soon as a record arrives (no batching window); a record is one
        // answer, and a small batch keeps one slow queue from holding many answers back.
        maxBatchingWindow: Duration.seconds(0),
        batchSize: 10,
        // Answers of different invocations need no order between them; records of one item stay ordered.
        parallelizationFactor: 10,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 3,
        maxRecordAge: MAX_RECORD_AGE,
        onFailure: new SqsDlq(this.failures),
        filters: ANSWER_FILTER_PATTERN_STRINGS.map((pattern) => ({ pattern })),
      }),
    );
    acknowledge(relay.role, 'AwsSolutions-IAM5[Resource::*]', 'dynamodb:ListStreams (added by the event source mapping) supports no resource-level permission; stream reads are on this table\'s stream only.');
  }
}
