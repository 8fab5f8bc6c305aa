import { execFile } from 'node:child_process';
import { CliError } from '../errors.js';
import type { PythonSetup } from './runner-pool.js';

/** Prints the interpreter's path and version, then (asked for) where debugpy is imported from, or nothing. */
const PROBE = `import sys
print(sys.executable)
print("%d.%d" % sys.version_info[:2])
if len(sys.argv) > 1:
    try:
        import debugpy, inspect, os
        where = os.path.abspath(debugpy.__file__)
        print(os.path.dirname(os.path.dirname(where) if where.endswith("__init__.py") else where))
        print("in-process" if "in_process_debug_adapter" in inspect.signature(debugpy.listen).parameters else debugpy.__version__)
    except ImportError:
        pass
`;

/**
 * Checks `--python` at start with the CLI's own environment (where the developer installed
 * debugpy): it runs, it is Python 3, and with `--debugpy` it can import debugpy.
 */
export async function checkPython(python: string, debugpy?: { host: string; port: number }): Promise<PythonSetup> {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(python, ['-c', PROBE, ...(debugpy ? ['debugpy'] : [])], { timeout: 10_000, env: process.env }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  }).catch((err: NodeJS.ErrnoException) => {
    throw new CliError(
      err.code === 'ENOENT' ? `--python ${python}: not found` : `--python ${python} does not run: ${err.message.split('\n')[0]}`,
      'install Python 3, or pass the interpreter with --python <path>',
    );
  });
  const [executable = '', version = '', debugpyPath, adapter] = out.trim().split('\n');
  if (!version.startsWith('3.')) throw new CliError(`--python ${python} is Python ${version || '(unknown)'}, not Python 3`, 'pass a Python 3 interpreter with --python <path>');
  if (debugpy && !debugpyPath) throw new CliError(`--debugpy: debugpy is not installed for ${executable}`, `run: ${executable} -m pip install debugpy`);
  // The executor runs debugpy's adapter inside itself, so the port ends with the environment: debugpy.listen(..., in_process_debug_adapter=True).
  if (debugpy && adapter !== 'in-process') throw new CliError(`--debugpy: debugpy ${adapter ?? ''} for ${executable} is too old (its listen() has no in_process_debug_adapter)`, `run: ${executable} -m pip install --upgrade debugpy`);
  return { executable, version, ...(debugpy ? { debugpy: { ...debugpy, path: debugpyPath! } } : {}) };
}
