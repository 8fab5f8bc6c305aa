import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const NODE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** Splits a Lambda handler setting into module path and export: `dir/file.fn` (Node.js), `pkg.mod.fn` (Python). */
export function splitHandler(handler: string, runtime: string | undefined): { module: string; export: string } | undefined {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) return undefined;
  const module = handler.slice(0, dot);
  return { module: runtime?.startsWith('python') ? module.replace(/\./g, '/') : module, export: handler.slice(dot + 1) };
}

/** The file a handler module names inside a code folder, trying the runtime's extensions. */
export function findModuleFile(codeDir: string, module: string, runtime: string | undefined): string | undefined {
  const extensions = runtime?.startsWith('python') ? ['.py'] : NODE_EXTENSIONS;
  return extensions.map((ext) => join(codeDir, `${module}${ext}`)).find((file) => existsSync(file));
}

/** Whether a source file defines the named handler (a text check: export/exports for JS and TS, def for Python). */
export function definesExport(file: string, name: string): boolean {
  const text = readFileSync(file, 'utf8');
  const n = name.replace(/[$]/g, '\\$');
  if (file.endsWith('.py')) return new RegExp(`^(async\\s+)?def\\s+${n}\\s*\\(|^${n}\\s*=`, 'm').test(text);
  return [
    new RegExp(`\\bexport\\s+(default\\s+)?(async\\s+)?(function\\s*\\*?|const|let|var|class)\\s+${n}\\b`),
    new RegExp(`\\bexport\\s*\\{[^}]*\\b${n}\\b[^}]*\\}`),
    new RegExp(`\\b(module\\.)?exports\\.${n}\\s*=`),
    new RegExp(`module\\.exports\\s*=\\s*\\{[^}]*\\b${n}\\b`),
  ].some((re) => re.test(text));
}

/** Sets `problem` when the mapped source or export is missing. */
export function checkMapping<T extends { source?: string; export?: string; problem?: string }>(fn: T): T {
  if (fn.problem || !fn.source) return fn;
  if (!existsSync(fn.source)) return { ...fn, problem: `source ${fn.source} does not exist` };
  if (fn.export && !definesExport(fn.source, fn.export)) return { ...fn, problem: `${fn.source} does not export ${fn.export}` };
  return fn;
}
