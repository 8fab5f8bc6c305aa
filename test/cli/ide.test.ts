import { afterEach, describe, expect, it } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIde } from '../../cli/src/commands/ide.js';

const SAM = fileURLToPath(new URL('./fixtures/sam-app/', import.meta.url));
const temps: string[] = [];
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plldb-ide-'));
  temps.push(dir);
  cpSync(SAM, dir, { recursive: true });
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('plldb ide vscode', () => {
  it('writes the Node.js launch, the debugpy attach and their compound into a new launch.json', async () => {
    const dir = project();
    await runIde('vscode', { app: dir }, dir);
    const launch = JSON.parse(readFileSync(join(dir, '.vscode', 'launch.json'), 'utf8'));
    expect(launch.version).toBe('0.2.0');
    expect(launch.configurations).toEqual([
      expect.objectContaining({ name: 'PLLDB: debug (Node.js)', type: 'node', request: 'launch', program: '${workspaceFolder}/node_modules/plldb/dist/cli/plldb.mjs', args: ['debug', '--app', '.', '--debugpy', '127.0.0.1:5678'], sourceMaps: true }),
      expect.objectContaining({ name: 'PLLDB: attach Python (debugpy)', type: 'debugpy', request: 'attach', connect: { host: '127.0.0.1', port: 5678 } }),
    ]);
    expect(launch.compounds).toEqual([{ name: 'PLLDB: Node.js + Python', configurations: ['PLLDB: debug (Node.js)', 'PLLDB: attach Python (debugpy)'] }]);
  });

  it('merges: keeps the user\'s entries and keys, replaces its own on a second run', async () => {
    const dir = project();
    mkdirSync(join(dir, '.vscode'));
    const mine = { name: 'My tests', type: 'node', request: 'launch', program: 'test.js' };
    writeFileSync(join(dir, '.vscode', 'launch.json'), JSON.stringify({ version: '0.2.0', configurations: [mine], inputs: [{ id: 'x' }] }));
    await runIde('vscode', { app: dir }, dir);
    await runIde('vscode', { app: dir }, dir);
    const launch = JSON.parse(readFileSync(join(dir, '.vscode', 'launch.json'), 'utf8'));
    expect(launch.configurations.map((c: { name: string }) => c.name)).toEqual(['My tests', 'PLLDB: debug (Node.js)', 'PLLDB: attach Python (debugpy)']);
    expect(launch.configurations[0]).toEqual(mine);
    expect(launch.inputs).toEqual([{ id: 'x' }]);
  });

  it('never rewrites a launch.json with comments (they would be lost)', async () => {
    const dir = project();
    mkdirSync(join(dir, '.vscode'));
    const text = '{\n  // mine\n  "version": "0.2.0",\n  "configurations": []\n}\n';
    writeFileSync(join(dir, '.vscode', 'launch.json'), text);
    await runIde('vscode', { app: dir }, dir);
    expect(readFileSync(join(dir, '.vscode', 'launch.json'), 'utf8')).toBe(text);
  });
});

describe('plldb ide jetbrains', () => {
  it('writes a shared run configuration, and never overwrites one the user changed', async () => {
    const dir = project();
    await runIde('jetbrains', { app: dir }, dir);
    const file = join(dir, '.run', 'PLLDB debug.run.xml');
    expect(readFileSync(file, 'utf8')).toContain('type="NodeJSConfigurationType" path-to-js-file="$PROJECT_DIR$/node_modules/plldb/dist/cli/plldb.mjs" application-parameters="debug --app ."');
    writeFileSync(file, '<component>changed</component>');
    await runIde('jetbrains', { app: dir }, dir);
    expect(readFileSync(file, 'utf8')).toBe('<component>changed</component>');
  });
});
