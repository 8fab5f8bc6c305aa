import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A function's configuration before plldb changed it: what detach writes back. */
export interface SavedFunction {
  functionArn: string;
  functionName: string;
  roleName: string;
  savedAt: string;
  previous: {
    layers: string[];
    /** Absent when the function had no environment. */
    environment?: Record<string, string>;
    timeout: number;
  };
}

/** An execution role's policy before plldb put its own, and the attached functions that use it. */
export interface SavedRole {
  roleName: string;
  policyName: string;
  previous: { existed: boolean; document?: string };
  functionArns: string[];
}

/** Where attachments are saved: `$PLLDB_STATE_DIR`, else `~/.plldb`. */
function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLLDB_STATE_DIR || join(homedir(), '.plldb');
}

/**
 * Saved attachments, one JSON file per function (`attachments/`) and per execution role
 * (`roles/`), written before anything changes in AWS so a detach after a crash still knows
 * what to restore. Files are replaced atomically (write, fsync, rename).
 */
export class AttachmentStore {
  constructor(readonly dir: string = defaultStateDir()) {}

  getFunction(functionArn: string): SavedFunction | undefined {
    return this.read<SavedFunction>(this.functionPath(functionArn));
  }

  putFunction(saved: SavedFunction): void {
    this.write(this.functionPath(saved.functionArn), saved);
  }

  deleteFunction(functionArn: string): void {
    rmSync(this.functionPath(functionArn), { force: true });
  }

  listFunctions(): SavedFunction[] {
    return this.list<SavedFunction>('attachments');
  }

  getRole(roleName: string): SavedRole | undefined {
    return this.read<SavedRole>(this.rolePath(roleName));
  }

  putRole(saved: SavedRole): void {
    this.write(this.rolePath(saved.roleName), saved);
  }

  deleteRole(roleName: string): void {
    rmSync(this.rolePath(roleName), { force: true });
  }

  private functionPath(functionArn: string): string {
    return join(this.dir, 'attachments', `${encodeURIComponent(functionArn)}.json`);
  }

  private rolePath(roleName: string): string {
    return join(this.dir, 'roles', `${encodeURIComponent(roleName)}.json`);
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
      throw new Error(`saved attachment ${path} is not valid JSON; fix or remove it by hand (it holds the configuration detach restores)`);
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
