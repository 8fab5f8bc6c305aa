import type { Logger } from './logger.js';
import type { NextInvocation } from './runtime-api/client.js';

/** Pause after a failed /next before asking again, so a broken Runtime API is not hammered. */
const NEXT_RETRY_MS = 500;

export interface LoopDeps {
  next(): Promise<NextInvocation>;
  handle(invocation: NextInvocation): Promise<void>;
  logger: Logger;
  /** `AWS_LAMBDA_MAX_CONCURRENCY`: how many /next calls may be open at once. */
  concurrency: number;
  /** Stops the loops (tests); Lambda ends the process instead. */
  signal?: AbortSignal;
}

/** Runs `concurrency` independent /next loops; a failed invocation never stops a loop. */
export async function runLoops(deps: LoopDeps): Promise<void> {
  await Promise.all(Array.from({ length: deps.concurrency }, () => loop(deps)));
}

async function loop({ next, handle, logger, signal }: LoopDeps): Promise<void> {
  while (!signal?.aborted) {
    let invocation: NextInvocation;
    try {
      invocation = await next();
    } catch (err) {
      logger.log('ERROR', 'next_failed', { error: (err as Error).message });
      await new Promise((resolve) => setTimeout(resolve, NEXT_RETRY_MS));
      continue;
    }
    // handle() reports its own failures; this guards the loop against a defect in it.
    await handle(invocation).catch((err: unknown) => logger.log('ERROR', 'invocation_crashed', { requestId: invocation.requestId, error: (err as Error).message }));
  }
}
