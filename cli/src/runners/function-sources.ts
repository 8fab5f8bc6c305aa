import { basename, dirname, sep } from 'node:path';
import type { HandlerRunner, Invocation, Outcome } from './types.js';

/** Where a function's handler is on this machine: a code folder and a handler setting relative to it. */
export interface FunctionSource {
  codeDir: string;
  handler: string;
}

/**
 * The local code folder and handler for a function mapped to a source file and export. A Python
 * source keeps the package root its deployed handler implies (`pkg.mod.fn` in `<root>/pkg/mod.py`),
 * so its imports resolve as in Lambda; otherwise the file's own folder is the code folder.
 */
export function functionSource(mapping: { source: string; export: string; handler?: string; runtime?: string }): FunctionSource {
  const file = basename(mapping.source).replace(/\.[^.]+$/, '');
  if (mapping.runtime?.startsWith('python') && mapping.handler) {
    const modulePath = mapping.handler.slice(0, mapping.handler.lastIndexOf('.')).replace(/\./g, sep);
    const withoutExt = mapping.source.replace(/\.py$/, '');
    if (withoutExt.endsWith(`${sep}${modulePath}`)) {
      return { codeDir: withoutExt.slice(0, -modulePath.length - 1), handler: `${modulePath.split(sep).join('.')}.${mapping.export}` };
    }
  }
  return { codeDir: dirname(mapping.source), handler: `${file}.${mapping.export}` };
}

/** A runner that calls the mapped handler instead of the deployed handler setting the request names. */
export function withHandler(runner: HandlerRunner, handler: string): HandlerRunner {
  return {
    run: (invocation: Invocation): Promise<Outcome> => runner.run({ ...invocation, handler }),
    close: () => runner.close(),
  };
}
