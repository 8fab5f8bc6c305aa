/**
 * The URL SQS gives a queue: `https://sqs.{region}.{domain}/{account}/{name}` (SQS developer guide,
 * "Amazon SQS queue and message identifiers"). Whoever knows the queue's name, region and owning
 * account can send to it without a GetQueueUrl round trip.
 */
export function queueUrlFor(region: string, accountId: string, queueName: string): string {
  // The China regions' endpoints live under amazonaws.com.cn; every other region under amazonaws.com.
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${accountId}/${queueName}`;
}

/** The account of an ARN (`arn:partition:service:region:account:...`), or undefined when it has none. */
export function accountOfArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}
