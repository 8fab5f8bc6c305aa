import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { parseHandler } from './handler-ref.js';
import { runtimeError, toLambdaError } from './lambda-error.js';
import { nodeContext } from './node-context.js';
import type { HandlerRunner, Invocation, Outcome } from './types.js';

type Handler = (event: unknown, context: unknown, callback: (err: unknown, result?: unknown) => void) => unknown;

const EXTENSIONS = ['.mjs', '.js', '.cjs', '.ts', '.mts', '.cts'];
const TYPESCRIPT = /\.[mc]?ts$/;

/** A failure to load the handler, reported as Lambda reports it (Runtime.ImportModuleError, ...). */
class HandlerLoadError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs Node.js handlers in this process, so `node --inspect` (and an IDE attached to it) stops
 * at breakpoints in the user's source. TypeScript is compiled by esbuild with inline source maps
 * into a file next to the source (so its imports resolve as they would from the source), which
 * is removed once loaded. Each handler module is loaded once, like a warm Lambda environment.
 */
export class NodeHandlerRunner implements HandlerRunner {
  private readonly handlers = new Map<string, Promise<Handler>>();

  private readonly codeDir: string;

  constructor(codeDir: string) {
    this.codeDir = resolve(codeDir);
  }

  async run(invocation: Invocation): Promise<Outcome> {
    // The handler reads its configuration from process.env (often at import): set it first.
    Object.assign(process.env, invocation.environment);
    let handler: Handler;
    try {
      handler = await this.load(invocation.handler);
    } catch (err) {
      this.handlers.delete(invocation.handler);
      return { ok: false, error: err instanceof HandlerLoadError ? runtimeError(err.errorType, err.message) : toLambdaError(err) };
    }
    let result: unknown;
    try {
      result = await invoke(handler, invocation.event, nodeContext(invocation.context));
    } catch (err) {
      return { ok: false, error: toLambdaError(err) };
    }
    try {
      return { ok: true, response: JSON.stringify(result) ?? 'null' };
    } catch (err) {
      return { ok: false, error: runtimeError('Runtime.MalformedHandlerResponse', `the handler's result cannot be serialized to JSON: ${(err as Error).message}`) };
    }
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }

  private load(handlerSetting: string): Promise<Handler> {
    let loading = this.handlers.get(handlerSetting);
    if (!loading) {
      loading = this.import(handlerSetting);
      this.handlers.set(handlerSetting, loading);
    }
    return loading;
  }

  private async import(handlerSetting: string): Promise<Handler> {
    let ref;
    try {
      ref = parseHandler(handlerSetting);
    } catch (err) {
      throw new HandlerLoadError('Runtime.MalformedHandlerName', (err as Error).message);
    }
    const base = resolve(this.codeDir, ref.modulePath);
    const file = EXTENSIONS.map((ext) => base + ext).find((f) => existsSync(f));
    if (!file) {
      throw new HandlerLoadError('Runtime.ImportModuleError', `Cannot find module '${ref.modulePath}' in ${this.codeDir} (tried ${EXTENSIONS.join(', ')}); point --code at the folder the handler setting is relative to`);
    }
    const mod = (TYPESCRIPT.test(file) ? await importTypeScript(file) : await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const fn = mod[ref.exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[ref.exportName];
    if (typeof fn !== 'function') {
      throw new HandlerLoadError('Runtime.HandlerNotFound', `${ref.modulePath}.${ref.exportName} is undefined or not exported`);
    }
    return fn as Handler;
  }
}

async function importTypeScript(file: string): Promise<unknown> {
  const out = join(dirname(file), `.${basename(file)}.plldb-${randomBytes(4).toString('hex')}.mjs`);
  try {
    await build({
      entryPoints: [file],
      outfile: out,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      banner: { js: "import { createRequire as __plldbCreateRequire } from 'node:module'; const require = __plldbCreateRequire(import.meta.url);" },
      logLevel: 'silent',
    });
    return await import(pathToFileURL(out).href);
  } catch (err) {
    const errors = (err as { errors?: { text: string }[] }).errors;
    if (errors) throw new HandlerLoadError('Runtime.UserCodeSyntaxError', `cannot compile ${file}: ${errors.map((e) => e.text).join('; ')}`);
    throw err;
  } finally {
    rmSync(out, { force: true });
  }
}

/** Calls a handler that returns a promise or a value, or answers through the callback. */
function invoke(handler: Handler, event: unknown, context: unknown): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    const returned = handler(event, context, (err, result) => (err ? reject(err) : resolvePromise(result)));
    if (returned && typeof (returned as Promise<unknown>).then === 'function') (returned as Promise<unknown>).then(resolvePromise, reject);
    else if (handler.length < 3) resolvePromise(returned);
  });
}
