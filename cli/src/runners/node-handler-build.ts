import { build, type BuildFailure, type BuildOptions, type Metafile } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseHandler, type HandlerRef } from './handler-ref.js';
import { runtimeError } from './lambda-error.js';
import { SourceSnapshot } from './source-snapshot.js';
import { InitError } from './types.js';

const EXTENSIONS = ['.mjs', '.js', '.cjs', '.ts', '.mts', '.cts'];
const TYPESCRIPT = /\.[mc]?ts$/;

/** A Node.js handler ready for an environment to import. */
export interface PreparedHandler {
  ref: HandlerRef;
  /** The file to import: the handler's own, or (TypeScript) a compiled copy next to it. */
  moduleFile: string;
  /** The project files the handler loads, as they were now (node_modules left out). */
  sources: SourceSnapshot;
  /** Removes the compiled copy (once the environment imported it). */
  cleanup(): void;
}

/**
 * Finds a handler's file under the code folder and, for TypeScript, compiles it with esbuild
 * (inline source maps) into a file next to the source, so its imports resolve as from the source.
 * Either way esbuild's metafile names the project files it imports, for hot reload.
 */
export async function prepareNodeHandler(codeDir: string, handlerSetting: string): Promise<PreparedHandler> {
  let ref: HandlerRef;
  try {
    ref = parseHandler(handlerSetting);
  } catch (err) {
    throw new InitError(runtimeError('Runtime.MalformedHandlerName', (err as Error).message));
  }
  const base = resolve(codeDir, ref.modulePath);
  const file = EXTENSIONS.map((ext) => base + ext).find((f) => existsSync(f));
  if (!file) {
    throw new InitError(
      runtimeError('Runtime.ImportModuleError', `Cannot find module '${ref.modulePath}' in ${codeDir} (tried ${EXTENSIONS.join(', ')}); point --code at the folder the handler setting is relative to`),
    );
  }
  if (!TYPESCRIPT.test(file)) {
    const sources = snapshot(codeDir, undefined, file);
    // Not awaited: the environment starts meanwhile (the imports are added when esbuild has read them).
    void importsOf(file, codeDir).then((metafile) => addInputs(sources, codeDir, metafile));
    return { ref, moduleFile: file, sources, cleanup: () => undefined };
  }
  const out = join(dirname(file), `.${basename(file)}.plldb-${randomBytes(4).toString('hex')}.mjs`);
  try {
    const result = await build({ ...bundleOptions(file, codeDir), outfile: out, format: 'esm', sourcemap: 'inline', banner: { js: "import { createRequire as __plldbCreateRequire } from 'node:module'; const require = __plldbCreateRequire(import.meta.url);" } });
    return { ref, moduleFile: out, sources: snapshot(codeDir, result.metafile, file), cleanup: () => rmSync(out, { force: true }) };
  } catch (err) {
    rmSync(out, { force: true });
    const errors = (err as Partial<BuildFailure>).errors;
    if (!errors) throw err;
    const where = errors.map((e) => (e.location ? `${resolve(codeDir, e.location.file)}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text));
    throw new InitError(runtimeError('Runtime.UserCodeSyntaxError', `cannot compile ${file}: ${where.join('; ')}`));
  }
}

function bundleOptions(file: string, codeDir: string): BuildOptions & { metafile: true } {
  return { entryPoints: [file], absWorkingDir: codeDir, bundle: true, packages: 'external', platform: 'node', target: 'node20', metafile: true, logLevel: 'silent' };
}

/** The metafile of a JavaScript handler's imports; undefined when esbuild cannot read them (the handler file alone is then watched). */
async function importsOf(file: string, codeDir: string): Promise<Metafile | undefined> {
  try {
    return (await build({ ...bundleOptions(file, codeDir), write: false })).metafile;
  } catch {
    return undefined;
  }
}

function snapshot(codeDir: string, metafile: Metafile | undefined, entry: string): SourceSnapshot {
  const sources = new SourceSnapshot();
  sources.add(entry);
  addInputs(sources, codeDir, metafile);
  return sources;
}

function addInputs(sources: SourceSnapshot, codeDir: string, metafile: Metafile | undefined): void {
  for (const input of Object.keys(metafile?.inputs ?? {})) {
    if (!input.includes('node_modules')) sources.add(resolve(codeDir, input));
  }
}
