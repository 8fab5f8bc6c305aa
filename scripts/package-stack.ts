// `npm pack` (prepack) and `npm run package:stack`: the helper stack's synthesized template and the
// list of its assets (which dist/ folder each zip is made of), so that the installed package deploys
// with `plldb deploy` and needs no aws-cdk-lib. Runs after `npm run build`.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createApp } from '../infra/lib/app.js';
import { PACKAGE_ROOT } from '../sandbox/package-root.js';
import { STACK_ASSETS_FILE, STACK_PACKAGE_DIR, STACK_TEMPLATE_FILE, type LayerArch, type StackAsset } from '../cli/src/package/stack-package.js';

const DIST = join(PACKAGE_ROOT, 'dist');
const FOLDERS = ['layer', 'relay', 'websocket', 'sweeper'];
const STANDALONE: Record<string, LayerArch> = { 'layer-standalone-x86_64': 'x86_64', 'layer-standalone-arm64': 'arm64' };

/** A digest of a folder's files (paths and contents), to recognise which dist/ folder an asset copies. */
function folderDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(relative(dir, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}

interface AssetManifest {
  files: Record<string, { source: { path: string; packaging?: string }; destinations: Record<string, { objectKey: string }> }>;
}

const outdir = mkdtempSync(join(tmpdir(), 'plldb-synth-'));
try {
  const { app, stack } = createApp({ outdir });
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const manifest = JSON.parse(readFileSync(join(outdir, `${stack.artifactId}.assets.json`), 'utf8')) as AssetManifest;
  const byDigest = new Map<string, Omit<StackAsset, 'objectKey'>>();
  for (const folder of FOLDERS) byDigest.set(folderDigest(join(DIST, folder)), { folder });
  for (const [folder, nodeArch] of Object.entries(STANDALONE)) byDigest.set(folderDigest(join(DIST, folder)), { folder: 'layer', nodeArch });
  const assets: StackAsset[] = [];
  for (const [id, file] of Object.entries(manifest.files)) {
    if (file.source.packaging !== 'zip') continue; // the template itself
    const source = byDigest.get(folderDigest(join(outdir, file.source.path)));
    if (!source) throw new Error(`asset ${id} (${file.source.path}) is none of the dist/ folders: teach scripts/package-stack.ts about it`);
    for (const destination of Object.values(file.destinations)) assets.push({ objectKey: destination.objectKey, ...source });
  }
  const dir = join(PACKAGE_ROOT, STACK_PACKAGE_DIR);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, STACK_TEMPLATE_FILE), readFileSync(join(outdir, artifact.templateFile)));
  writeFileSync(join(dir, STACK_ASSETS_FILE), `${JSON.stringify({ stackName: stack.stackName, assets }, null, 2)}\n`);
  process.stdout.write(`${relative(PACKAGE_ROOT, dir)}: template of ${stack.stackName} and ${assets.length} assets\n`);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
