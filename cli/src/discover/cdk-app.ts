import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { CliError } from '../errors.js';
import { scanNodejsFunctions, type NodejsFunctionSite } from './cdk-source-scan.js';
import { findModuleFile, splitHandler } from './handler-source.js';
import type { DiscoveredFunction, ProjectReader } from './types.js';

/**
 * Context the app is synthesized with: construct paths and asset paths in the template's metadata,
 * assets left where they are (so a Code.fromAsset folder is the user's own), and no bundling (no
 * esbuild or Docker run, NodejsFunction entries are read from the app's source instead).
 */
const SYNTH_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:disable-asset-staging': true,
  'aws:cdk:bundling-stacks': [],
};

interface CfnResource {
  Type?: string;
  Properties?: { Runtime?: unknown; Handler?: unknown };
  Metadata?: Record<string, unknown>;
}

function readJson(file: string): Record<string, unknown> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
}

/** Runs the app command of cdk.json (as `cdk synth` does) into a temporary cloud assembly folder. */
async function synthesize(appDir: string, outdir: string): Promise<void> {
  const cdkJson = readJson(join(appDir, 'cdk.json'));
  if (typeof cdkJson.app !== 'string') throw new CliError(`${join(appDir, 'cdk.json')} has no "app" command`, 'add the command that runs your CDK app, as cdk init writes it');
  const context = { ...readJson(join(appDir, 'cdk.context.json')), ...((cdkJson.context as object | undefined) ?? {}), ...SYNTH_CONTEXT };
  const child = spawn(cdkJson.app, { cwd: appDir, shell: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0 || !existsSync(join(outdir, 'manifest.json'))) {
    const tail = stderr.trim().split('\n').slice(-15).join('\n');
    throw new CliError(`the CDK app in ${appDir} failed to synthesize (${cdkJson.app} exited with ${code}):\n${tail}`, 'fix the error above (npx cdk synth shows the same), then run plldb discover again');
  }
}

function constructIdOf(path: unknown): string | undefined {
  return typeof path === 'string' ? path.split('/').at(-2) : undefined;
}

function mapBundled(base: DiscoveredFunction, id: string | undefined, sites: NodejsFunctionSite[]): DiscoveredFunction {
  const matches = sites.filter((s) => s.id === id);
  const entries = [...new Set(matches.flatMap((s) => (s.entry ? [s.entry] : [])))];
  const handler = base.handler ? splitHandler(base.handler, base.runtime) : undefined;
  if (entries.length === 1) return { ...base, source: entries[0] as string, ...(handler ? { export: handler.export } : {}) };
  if (entries.length > 1) return { ...base, problem: `several NodejsFunction constructs have the id ${id ?? '?'} (${matches.map((s) => s.file).join(', ')}): name its source in plldb.config.json` };
  const reason = matches[0]?.entryProblem ?? `its code is bundled and no new NodejsFunction(..., '${id ?? '?'}') was found in the app's source`;
  return { ...base, problem: `${reason}: name its source in plldb.config.json` };
}

function mapAsset(base: DiscoveredFunction, assetPath: unknown): DiscoveredFunction {
  if (typeof assetPath !== 'string' || !existsSync(assetPath)) return { ...base, problem: 'its code is not a local folder (inline, S3 or container image)' };
  const handler = base.handler ? splitHandler(base.handler, base.runtime) : undefined;
  if (!handler) return { ...base, problem: `handler ${base.handler ?? '(none)'} is not module.function` };
  const source = findModuleFile(assetPath, handler.module, base.runtime);
  return source ? { ...base, source, export: handler.export } : { ...base, problem: `no ${handler.module} source file in ${assetPath}` };
}

/** The Lambda functions of every stack the CDK app synthesizes, with their sources. */
export async function readCdkApp(appDir: string): Promise<DiscoveredFunction[]> {
  const outdir = mkdtempSync(join(tmpdir(), 'plldb-cdk-'));
  try {
    await synthesize(appDir, outdir);
    const manifest = readJson(join(outdir, 'manifest.json')) as { artifacts?: Record<string, { type: string; properties?: { templateFile?: string; stackName?: string } }> };
    const sites = scanNodejsFunctions(appDir);
    const functions: DiscoveredFunction[] = [];
    for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
      if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
      const stackName = artifact.properties.stackName ?? artifactId;
      const template = readJson(join(outdir, artifact.properties.templateFile)) as { Resources?: Record<string, CfnResource> };
      for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
        if (resource.Type !== 'AWS::Lambda::Function') continue;
        const runtime = typeof resource.Properties?.Runtime === 'string' ? resource.Properties.Runtime : undefined;
        const handler = typeof resource.Properties?.Handler === 'string' ? resource.Properties.Handler : undefined;
        const base: DiscoveredFunction = { logicalId, stackName, ...(runtime ? { runtime } : {}), ...(handler ? { handler } : {}) };
        const meta = resource.Metadata ?? {};
        // Functions CDK adds for its own custom resources have their code in a library under node_modules.
        if (typeof meta['aws:asset:path'] === 'string' && meta['aws:asset:path'].includes(`${sep}node_modules${sep}`)) continue;
        if (!runtime || !handler) functions.push({ ...base, problem: 'no runtime or handler (a container image function)' });
        else if (meta['aws:asset:is-bundled'] === true) functions.push(mapBundled(base, constructIdOf(meta['aws:cdk:path']), sites));
        else functions.push(mapAsset(base, meta['aws:asset:path']));
      }
    }
    return functions;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export const cdkReader: ProjectReader = {
  kind: 'AWS CDK app',
  detect: (dir) => existsSync(join(dir, 'cdk.json')),
  read: readCdkApp,
};
