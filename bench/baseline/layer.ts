import { build } from 'esbuild';
import { chmodSync, cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT as ROOT } from '../../sandbox/package-root.js';

export interface BaselineLayer {
  /** The layer folder: `bin/bootstrap` (the PLLDB exec wrapper) and `plldb/runtime.mjs` (the baseline bundle). */
  dir: string;
  /** Absolute path of its exec wrapper: the function's AWS_LAMBDA_EXEC_WRAPPER. */
  wrapper: string;
  bundle: string;
}

/**
 * Bundles the baseline runtime the way `npm run build` bundles the PLLDB runtime and lays it out
 * as a layer next to the same exec wrapper, so both run through the same wrapper and host.
 */
export async function buildBaselineLayer(dir: string): Promise<BaselineLayer> {
  const bundle = join(dir, 'plldb', 'runtime.mjs');
  await build({
    entryPoints: [join(ROOT, 'bench', 'baseline', 'main.ts')],
    outfile: bundle,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // The AWS SDK's CommonJS parts call require; ESM bundles have none of their own.
    banner: { js: "import { createRequire as __plldbCreateRequire } from 'node:module'; const require = __plldbCreateRequire(import.meta.url);" },
    legalComments: 'none',
    logLevel: 'warning',
  });
  const wrapper = join(dir, 'bin', 'bootstrap');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'runtime', 'bin', 'bootstrap'), wrapper);
  chmodSync(wrapper, 0o755);
  return { dir, wrapper, bundle };
}
