/** How the relay treats a failed AWS call. */
export type FailureKind =
  /** The invocation's queue is gone (or not created yet). */
  | 'queue-missing'
  /** SQS refused the message body: send a pointer instead. */
  | 'content-refused'
  /** Throttling, a 5xx or the network: report the record so the event source mapping retries it. */
  | 'retryable'
  /** Anything else (access denied, bad request): retrying would fail the same way. */
  | 'permanent';

const QUEUE_MISSING = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);
const CONTENT_REFUSED = new Set(['InvalidMessageContents', 'InvalidParameterValue', 'InvalidParameterValueException']);
const THROTTLING = new Set([
  'RequestThrottled',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'KmsThrottled',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);

interface SdkErrorShape {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function classifyFailure(error: unknown): FailureKind {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const names = [e.name, e.Code].filter((n): n is string => typeof n === 'string');
  if (names.some((n) => QUEUE_MISSING.has(n))) return 'queue-missing';
  if (names.some((n) => CONTENT_REFUSED.has(n))) return 'content-refused';
  const status = e.$metadata?.httpStatusCode;
  if (
    e.$retryable !== undefined ||
    names.some((n) => THROTTLING.has(n) || n === 'TimeoutError') ||
    (typeof status === 'number' && (status === 429 || status >= 500)) ||
    (typeof e.code === 'string' && NETWORK_CODES.has(e.code))
  ) {
    return 'retryable';
  }
  return 'permanent';
}

/** The error's name for a log line (never its message, which may quote a body). */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
