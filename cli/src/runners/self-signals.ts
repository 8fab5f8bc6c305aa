import { constants } from 'node:os';

/** Signals whose default action does not end a Node.js process (SIGUSR1 opens its inspector). */
const HARMLESS = new Set(['SIGCHLD', 'SIGCONT', 'SIGURG', 'SIGWINCH', 'SIGUSR1']);
/** Signals that stop a process: on Lambda the invocation then runs into its deadline. */
const STOPPING = new Set(['SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

/** Blocks this thread for good, as a process ended or stopped by a signal runs no more code (worker.terminate still ends it). */
function halt(): never {
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

/**
 * In a worker thread, `process.kill(process.pid, ...)` would signal plldb itself, which hosts
 * every environment, and `process.abort()` is not supported. On Lambda both end only the
 * runtime process of that one environment: here they end only this environment. `ended` is
 * told the signal's name (SIGKILL, SIGABRT ...) and this thread runs no more handler code.
 */
export function containSelfSignals(ended: (signal: string) => void): void {
  const kill = process.kill.bind(process);
  process.kill = (pid: number, signal: string | number = 'SIGTERM'): true => {
    // This process, or its process group (0, or the group it leads).
    const self = pid === process.pid || pid === 0 || pid === -process.pid;
    if (!self) return kill(pid, signal);
    // An unknown name: Node.js throws ERR_UNKNOWN_SIGNAL before sending anything.
    if (typeof signal === 'string' && !Object.hasOwn(constants.signals, signal)) return kill(pid, signal);
    // Signal 0 only checks that the process exists.
    if (signal === 0) return true;
    const name = typeof signal === 'number' ? (Object.entries(constants.signals).find(([, n]) => n === signal)?.[0] ?? String(signal)) : signal;
    if (HARMLESS.has(name)) return true;
    if (!STOPPING.has(name)) ended(name);
    return halt();
  };
  process.abort = (): never => {
    ended('SIGABRT');
    return halt();
  };
}
