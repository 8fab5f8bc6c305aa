import type { Worker } from 'node:worker_threads';

/**
 * Worker threads still being torn down. A new worker starts only once they are gone: Node.js can
 * crash the whole process when a worker starts while another one terminates (nodejs/node#56312),
 * and here that process is plldb debug, which holds the session's attachments.
 */
const terminating = new Set<Promise<unknown>>();

/** A worker paused in a debugger may take long to end; a new environment waits at most this long. */
const MAX_WAIT_MS = 2000;

/** Terminates the worker and remembers it until it has exited. */
export function terminateWorker(worker: Worker): Promise<number> {
  const done = worker.terminate();
  const tracked: Promise<unknown> = done.catch(() => undefined).finally(() => terminating.delete(tracked));
  terminating.add(tracked);
  return done;
}

/** Resolves once every worker being terminated has exited (or after MAX_WAIT_MS). */
export async function afterTerminations(): Promise<void> {
  if (terminating.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled([...terminating]), new Promise((resolve) => (timer = setTimeout(resolve, MAX_WAIT_MS)))]);
  clearTimeout(timer);
}
