import { join } from 'node:path';
import type { StackAsset } from '../package/stack-package.js';
import { standaloneLayerDir } from '../package/standalone-layer.js';
import { zipFolder } from './zip.js';

/** The zip of a packaged asset: its dist/ folder, or for a standalone layer that folder plus the pinned Node.js. */
export function packageAssetZips(packageRoot: string, cacheDir?: string): (asset: StackAsset) => Promise<Buffer> {
  return async (asset) => {
    const dir = asset.nodeArch ? await standaloneLayerDir(asset.nodeArch, packageRoot, cacheDir) : join(packageRoot, 'dist', asset.folder);
    return zipFolder(dir);
  };
}
