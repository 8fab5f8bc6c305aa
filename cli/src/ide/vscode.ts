import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { CliError } from '../errors.js';

/** Names of the configurations plldb owns in launch.json (replaced on each run; others are kept). */
export const VSCODE_NAMES = { node: 'PLLDB: debug (Node.js)', python: 'PLLDB: attach Python (debugpy)', both: 'PLLDB: Node.js + Python' } as const;

const DEBUGPY_PORT = 5678;

interface LaunchJson {
  version?: string;
  configurations?: { name?: string }[];
  compounds?: { name?: string; configurations?: string[] }[];
  [key: string]: unknown;
}

/** The launch.json entries for a project folder: `plldb debug` under the Node.js debugger (source maps), debugpy attach, and both. */
export function vscodeEntries(workspace: string, app: string, hasPython: boolean): Pick<LaunchJson, 'configurations' | 'compounds'> {
  const appArg = relative(workspace, app) || '.';
  const node = {
    name: VSCODE_NAMES.node,
    type: 'node',
    request: 'launch',
    program: '${workspaceFolder}/node_modules/plldb/dist/cli/plldb.mjs',
    args: ['debug', '--app', appArg, ...(hasPython ? ['--debugpy', `127.0.0.1:${DEBUGPY_PORT}`] : [])],
    cwd: '${workspaceFolder}',
    console: 'integratedTerminal',
    sourceMaps: true,
    // The handlers' TypeScript is compiled with inline source maps next to the source.
    resolveSourceMapLocations: ['${workspaceFolder}/**', '!**/node_modules/**'],
    skipFiles: ['<node_internals>/**', '**/node_modules/plldb/**'],
  };
  if (!hasPython) return { configurations: [node] };
  const python = {
    name: VSCODE_NAMES.python,
    type: 'debugpy',
    request: 'attach',
    connect: { host: '127.0.0.1', port: DEBUGPY_PORT },
    // The handler runs on this machine from the project's own files: local and "remote" paths are the same.
    pathMappings: [{ localRoot: '${workspaceFolder}', remoteRoot: '${workspaceFolder}' }],
    justMyCode: true,
  };
  return { configurations: [node, python], compounds: [{ name: VSCODE_NAMES.both, configurations: [VSCODE_NAMES.node, VSCODE_NAMES.python] }] };
}

/** Whether a JSON-with-comments text has comments (which a rewrite would lose). */
function hasComments(text: string): boolean {
  return /\/\/|\/\*/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '""'));
}

/**
 * Merges plldb's entries into .vscode/launch.json: entries of the same name are replaced, every
 * other entry and key is kept. A file with comments or that is not JSON is left untouched (its
 * text cannot be rewritten without loss): the entries are returned to be added by hand.
 */
export function writeVscodeLaunch(workspace: string, entries: Pick<LaunchJson, 'configurations' | 'compounds'>): { file: string; written: boolean; text: string } {
  const file = join(workspace, '.vscode', 'launch.json');
  let existing: LaunchJson = { version: '0.2.0', configurations: [] };
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    try {
      if (hasComments(text)) throw new Error('it has comments');
      existing = JSON.parse(text.replace(/,(\s*[}\]])/g, '$1')) as LaunchJson;
    } catch (err) {
      return { file, written: false, text: `${(err as Error).message}; add these entries yourself:\n${JSON.stringify(entries, null, 2)}` };
    }
    if (typeof existing !== 'object' || existing === null || Array.isArray(existing)) throw new CliError(`${file} is not a launch.json object`, 'fix or move it, then run plldb ide vscode again');
  }
  const ours = new Set<string>(Object.values(VSCODE_NAMES));
  const merged: LaunchJson = {
    ...existing,
    version: existing.version ?? '0.2.0',
    configurations: [...(existing.configurations ?? []).filter((c) => !ours.has(c.name ?? '')), ...(entries.configurations ?? [])],
  };
  const compounds = [...(existing.compounds ?? []).filter((c) => !ours.has(c.name ?? '')), ...(entries.compounds ?? [])];
  if (compounds.length > 0) merged.compounds = compounds;
  mkdirSync(dirname(file), { recursive: true });
  const text = `${JSON.stringify(merged, null, 2)}\n`;
  writeFileSync(file, text);
  return { file, written: true, text };
}
