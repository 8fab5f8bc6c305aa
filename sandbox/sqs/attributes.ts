import { SqsError } from './errors.js';

/** Settable queue attributes: [default, min, max] for the numeric ones SQS validates. */
const NUMERIC: Record<string, [number, number, number]> = {
  DelaySeconds: [0, 0, 900],
  MaximumMessageSize: [1_048_576, 1024, 1_048_576],
  MessageRetentionPeriod: [345_600, 60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 0, 20],
  VisibilityTimeout: [30, 0, 43_200],
};

/** Accepted and stored as given; the sandbox does not act on them. */
const OPAQUE = new Set([
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
]);

/** Validates attributes given at CreateQueue / SetQueueAttributes; returns them as SQS stores them. */
export function validateAttributes(given: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given ?? {})) {
    const range = NUMERIC[name];
    if (range) {
      const n = Number(value);
      if (!/^\d+$/.test(String(value)) || n < range[1] || n > range[2]) {
        throw new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}: must be an integer from ${range[1]} to ${range[2]}.`);
      }
      out[name] = String(n);
    } else if (OPAQUE.has(name)) {
      out[name] = String(value);
    } else {
      throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
  }
  return out;
}

export function defaultAttributes(): Record<string, string> {
  return Object.fromEntries(Object.entries(NUMERIC).map(([name, [def]]) => [name, String(def)]));
}

export function numericAttribute(attributes: Record<string, string>, name: keyof typeof NUMERIC): number {
  return Number(attributes[name] ?? NUMERIC[name]?.[0]);
}
