import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

export const execFileAsync = promisify(execFile);

interface LockEntry {
  dev?: boolean;
  link?: boolean;
  [key: string]: unknown;
}

/**
 * Installs a packed plldb tarball into `dir` the way `npm i <tarball>` would, but offline: the
 * dependencies are the versions this repository's lockfile pins for plldb's runtime dependencies
 * (its entries not marked dev), so `npm ci --offline` takes every one from the npm cache that
 * `npm ci` filled. Tests have no network; the layout and the bin link are npm's own.
 */
export async function installOffline(root: string, tarball: string, dir: string): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:${basename(tarball)}`;
  const packages: Record<string, unknown> = {
    '': { name: 'plldb-install-test', version: '1.0.0', dependencies: { plldb: spec } },
    'node_modules/plldb': { version: pkg.version, resolved: spec, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && !entry.dev && !entry.link) packages[path] = entry;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'plldb-install-test', version: '1.0.0', private: true, dependencies: { plldb: spec } }));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'plldb-install-test', version: '1.0.0', lockfileVersion: 3, requires: true, packages }));
  await execFileAsync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir });
  if (!existsSync(join(dir, 'node_modules', '.bin', 'plldb'))) throw new Error('npm did not link the plldb bin');
}

/** Total size in bytes of the files under a folder (what `du --apparent-size` counts). */
export async function folderBytes(dir: string): Promise<number> {
  const { stdout } = await execFileAsync('du', ['-sb', dir]);
  return Number(stdout.split('\t')[0]);
}
