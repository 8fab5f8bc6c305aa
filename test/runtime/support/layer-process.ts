import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const BOOTSTRAP = join(ROOT, 'dist', 'layer', 'bin', 'bootstrap');

/** The built wrapper started as Lambda starts it: `bootstrap <runtime command> <args>`, collecting its output. */
export class LayerProcess {
  readonly stdout: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[], env: Record<string, string>, bootstrap = BOOTSTRAP) {
    this.child = spawn(bootstrap, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      this.stdout.push(...lines);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    // 'close', not 'exit': only then has all of the process's output been read.
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The JSON log lines (the runtime's structured logs). */
  logs(): Record<string, unknown>[] {
    return this.stdout.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}
