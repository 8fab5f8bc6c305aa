import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NODE_VERSION, nodeTarball, userCacheDir } from './node-binary.js';
import type { LayerArch } from './stack-package.js';
import { packageVersion } from './version.js';

const execFileAsync = promisify(execFile);

/**
 * The folder of a standalone layer: the build's in a clone (`npm run build` puts the Node.js binary
 * there); in an installed package, dist/layer plus the pinned Node.js, assembled once in the cache
 * (the package does not ship the two 100 MB binaries).
 */
export async function standaloneLayerDir(arch: LayerArch, packageRoot: string, cacheDir: string = userCacheDir()): Promise<string> {
  const built = join(packageRoot, 'dist', `layer-standalone-${arch}`);
  if (existsSync(join(built, 'plldb', 'bin', 'node'))) return built;
  const target = join(cacheDir, 'layers', `layer-standalone-${arch}-plldb${packageVersion(packageRoot)}-node${NODE_VERSION}`);
  if (existsSync(join(target, 'plldb', 'bin', 'node'))) return target;
  const tarball = await nodeTarball(arch, cacheDir);
  mkdirSync(join(cacheDir, 'layers'), { recursive: true });
  const staging = mkdtempSync(`${target}.incoming-`);
  try {
    cpSync(join(packageRoot, 'dist', 'layer'), staging, { recursive: true });
    const binDir = join(staging, 'plldb', 'bin');
    mkdirSync(binDir, { recursive: true });
    await execFileAsync('tar', ['-xzf', tarball, '-C', binDir, '--strip-components=2', 'package/bin/node']);
    chmodSync(join(binDir, 'node'), 0o755);
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return target;
}
