import { statSync } from 'node:fs';

/** The modification times of a handler's source files when it was loaded, to notice edits (hot reload). */
export class SourceSnapshot {
  private readonly files = new Map<string, bigint>();

  /** Records a file with the time it had when loaded (default: now on disk). */
  add(file: string, mtimeNs: bigint | undefined = mtimeOf(file)): void {
    if (mtimeNs !== undefined) this.files.set(file, mtimeNs);
  }

  /** The first recorded file that changed or disappeared since, if any. */
  changed(): string | undefined {
    for (const [file, mtime] of this.files) if (mtimeOf(file) !== mtime) return file;
    return undefined;
  }
}

function mtimeOf(file: string): bigint | undefined {
  return statSync(file, { bigint: true, throwIfNoEntry: false })?.mtimeNs;
}
