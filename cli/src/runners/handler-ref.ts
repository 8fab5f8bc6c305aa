import { isAbsolute, relative, resolve, sep } from 'node:path';
import { CliError } from '../errors.js';

/** A handler setting split into its module path and the export (or attribute) to call. */
export interface HandlerRef {
  /** Path of the module relative to the code folder, without extension (`src/app`). */
  modulePath: string;
  exportName: string;
}

/** `src/app.handler` -> { modulePath: 'src/app', exportName: 'handler' } (Node.js and Python alike). */
export function parseHandler(handler: string): HandlerRef {
  const slash = handler.lastIndexOf('/');
  const dot = handler.lastIndexOf('.');
  if (dot <= slash + 1 || dot === handler.length - 1) {
    throw new CliError(`handler setting ${JSON.stringify(handler)} is not of the form <file>.<function>`, 'fix the function\'s Handler setting (e.g. index.handler)');
  }
  return { modulePath: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

/**
 * The handler's module path, checked to stay inside the code folder: a handler setting is data
 * from AWS, and `../` or an absolute path would load a module from anywhere on this machine.
 */
export function modulePathInside(codeDir: string, handler: string): string {
  const { modulePath } = parseHandler(handler);
  const root = resolve(codeDir);
  const target = resolve(root, modulePath);
  const rel = relative(root, target);
  if (isAbsolute(modulePath) || rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new CliError(`handler setting ${JSON.stringify(handler)} points outside the code folder ${root}`, 'handler settings are relative to --code and stay inside it');
  }
  return modulePath;
}
