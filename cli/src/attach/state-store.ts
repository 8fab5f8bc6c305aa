import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AttachmentRecord } from '../../../protocol/index.js';

/**
 * This machine's copy of what attach added to a function (the record also on the function):
 * detach still finds PLLDB's layer and timeout when a deploy wiped the function's environment,
 * and `detach --all` finds this machine's attachments after a crash.
 */
export interface LocalAttachment {
  functionArn: string;
  functionName: string;
  roleName: string;
  savedAt: string;
  record: AttachmentRecord;
}

/** Where attachments are saved: `$PLLDB_STATE_DIR`, else `~/.plldb`. */
function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLLDB_STATE_DIR || join(homedir(), '.plldb');
}

/**
 * Local copies of attachments, one JSON file per function (`attachments/`), written before the
 * function changes in AWS so a detach after a crash still finds them. Files are replaced
 * atomically (write, fsync, rename).
 */
export class AttachmentStore {
  constructor(readonly dir: string = defaultStateDir()) {}

  getFunction(functionArn: string): LocalAttachment | undefined {
    return this.read<LocalAttachment>(this.functionPath(functionArn));
  }

  putFunction(saved: LocalAttachment): void {
    this.write(this.functionPath(saved.functionArn), saved);
  }

  deleteFunction(functionArn: string): void {
    rmSync(this.functionPath(functionArn), { force: true });
  }

  listFunctions(): LocalAttachment[] {
    return this.list<LocalAttachment>('attachments');
  }

  private functionPath(functionArn: string): string {
    return join(this.dir, 'attachments', `${encodeURIComponent(functionArn)}.json`);
  }

  private read<T>(path: string): T | undefined {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`saved attachment ${path} is not valid JSON; fix or remove it by hand (it holds what attach added, which detach removes)`);
    }
  }

  private list<T>(sub: string): T[] {
    let names: string[];
    try {
      names = readdirSync(join(this.dir, sub));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names.filter((n) => n.endsWith('.json')).flatMap((n) => this.read<T>(join(this.dir, sub, n)) ?? []);
  }

  private write(path: string, value: unknown): void {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(value, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }
}
