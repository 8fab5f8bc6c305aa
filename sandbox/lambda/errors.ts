/**
 * A Lambda API error (what the service itself refuses), with the code and HTTP status the real
 * service answers, so the control plane can put it on the wire unchanged.
 */
export class LambdaServiceError extends Error {
  override readonly name = 'LambdaServiceError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

export function resourceNotFound(message: string): LambdaServiceError {
  return new LambdaServiceError('ResourceNotFoundException', message, 404);
}

export function invalidParameter(message: string): LambdaServiceError {
  return new LambdaServiceError('InvalidParameterValueException', message, 400);
}

/** The error documents Lambda itself returns to the caller (not the handler's own errors). */
export const functionErrors = {
  timeout(requestId: string, timeoutSeconds: number): string {
    return JSON.stringify({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
    });
  },
  exited(requestId: string, code: number | null, signal: NodeJS.Signals | null): string {
    const how = signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code ?? 0}`;
    return JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${how}` });
  },
  invalidEntrypoint(requestId: string, detail: string): string {
    return JSON.stringify({ errorType: 'Runtime.InvalidEntrypoint', errorMessage: `RequestId: ${requestId} Error: ${detail}` });
  },
  responseTooLarge(limit: number): string {
    return JSON.stringify({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: `Response payload size exceeded maximum allowed payload size (${limit} bytes).`,
    });
  },
  /** A runtime's error body as the caller sees it: its JSON, else a document built from the header. */
  reported(errorType: string | undefined, body: string): string {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed === 'object' && parsed !== null) return body;
    } catch {
      // Not JSON: Lambda builds the document from the error-type header.
    }
    return JSON.stringify({ errorType: errorType ?? 'Runtime.Unknown', errorMessage: body === '' ? 'Unknown application error occurred' : body });
  },
  stopped(requestId: string): string {
    return JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: the sandbox stopped before the invocation finished` });
  },
};
