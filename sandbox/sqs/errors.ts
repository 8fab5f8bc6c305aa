/** An SQS error as the JSON protocol returns it (see `send` in sqs-service.ts). */
export class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return ERRORS[this.code]?.status ?? 400;
  }

  /** `x-amzn-query-error`: the query-protocol code and fault, which the SDK maps to its named exceptions. */
  get queryError(): string {
    const known = ERRORS[this.code];
    return `${known?.queryCode ?? this.code};${(known?.status ?? 400) >= 500 ? 'Receiver' : 'Sender'}`;
  }

  get type(): string {
    return `com.amazonaws.sqs#${this.code}`;
  }
}

const ERRORS: Record<string, { status: number; queryCode?: string; message?: string }> = {
  QueueDoesNotExist: { status: 400, queryCode: 'AWS.SimpleQueueService.NonExistentQueue', message: 'The specified queue does not exist.' },
  QueueDeletedRecently: {
    status: 400,
    queryCode: 'AWS.SimpleQueueService.QueueDeletedRecently',
    message: 'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
  },
  QueueNameExists: { status: 400, queryCode: 'QueueAlreadyExists' },
  ReceiptHandleIsInvalid: { status: 404 },
  RequestThrottled: { status: 403, message: 'Request is throttled.' },
  OverLimit: { status: 403 },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  ServiceUnavailable: { status: 503, message: 'The request has failed due to a temporary failure of the server.' },
  AccessDenied: { status: 403, message: 'Access to the resource https://sqs.amazonaws.com/ is denied.' },
};

/** The fault switch's error: the code with its usual message. */
export function injectedError(code: string): SqsError {
  return new SqsError(code, ERRORS[code]?.message ?? `injected ${code}`);
}

export const queueDoesNotExist = (): SqsError => injectedError('QueueDoesNotExist');
export const invalidParameter = (reason: string): SqsError =>
  new SqsError('InvalidParameterValue', `Value for parameter is invalid. Reason: ${reason}`);
