/** Resolves once `check` holds (polled every 20 ms); rejects naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The Lambda error document of a failed invocation's payload. */
export function lambdaError(payload: string): { errorType: string; errorMessage: string } {
  return JSON.parse(payload) as { errorType: string; errorMessage: string };
}
