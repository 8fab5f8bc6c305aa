import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from '../errors.js';
import { findModuleFile, splitHandler } from './handler-source.js';
import type { DiscoveredFunction, ProjectReader } from './types.js';
import { parseYaml } from './yaml-lite.js';

const TEMPLATE_FILES = ['template.yaml', 'template.yml', 'template.json'];

interface SamResource {
  Type?: string;
  Properties?: Record<string, unknown>;
  Metadata?: { BuildMethod?: unknown; BuildProperties?: { EntryPoints?: unknown } };
}

function templateFile(dir: string): string | undefined {
  return TEMPLATE_FILES.map((name) => join(dir, name)).find((file) => existsSync(file) && /AWS::Serverless/.test(readFileSync(file, 'utf8')));
}

/** The stack name `sam deploy` uses, from samconfig.toml (`stack_name = "..."`). */
function samStackName(dir: string): string | undefined {
  const file = join(dir, 'samconfig.toml');
  return existsSync(file) ? /^\s*stack_name\s*=\s*"([^"]+)"/m.exec(readFileSync(file, 'utf8'))?.[1] : undefined;
}

function mapFunction(dir: string, logicalId: string, resource: SamResource, globals: Record<string, unknown>, stackName: string | undefined): DiscoveredFunction {
  const props = { ...globals, ...(resource.Properties ?? {}) };
  const runtime = typeof props.Runtime === 'string' ? props.Runtime : undefined;
  const base: DiscoveredFunction = { logicalId, ...(stackName ? { stackName } : {}), ...(runtime ? { runtime } : {}) };
  if (props.PackageType === 'Image') return { ...base, problem: 'a container image function' };
  if (typeof props.Handler !== 'string') return { ...base, problem: `its Handler is ${props.Handler === undefined ? 'missing' : `an intrinsic function (${JSON.stringify(props.Handler)})`}: name its source in plldb.config.json` };
  const handler = props.Handler;
  const withHandler = { ...base, handler };
  if (props.InlineCode !== undefined) return { ...withHandler, problem: 'its code is inline in the template' };
  if (props.CodeUri !== undefined && typeof props.CodeUri !== 'string') return { ...withHandler, problem: 'its CodeUri is not a local folder' };
  const codeDir = resolve(dir, typeof props.CodeUri === 'string' ? props.CodeUri : '.');
  const parts = splitHandler(handler, runtime);
  if (!parts) return { ...withHandler, problem: `handler ${handler} is not module.function` };
  const entryPoints = resource.Metadata?.BuildMethod === 'esbuild' ? resource.Metadata.BuildProperties?.EntryPoints : undefined;
  if (Array.isArray(entryPoints) && typeof entryPoints[0] === 'string') {
    // sam build's esbuild bundles EntryPoints (relative to CodeUri) into <entry name>.js, which the Handler names.
    const entry = entryPoints.find((e: unknown) => typeof e === 'string' && e.replace(/\.[^./]+$/, '') === parts.module) ?? entryPoints[0];
    return { ...withHandler, source: resolve(codeDir, String(entry)), export: parts.export };
  }
  const source = findModuleFile(codeDir, parts.module, runtime);
  return source ? { ...withHandler, source, export: parts.export } : { ...withHandler, problem: `no ${parts.module} source file in ${codeDir}` };
}

export async function readSamTemplate(dir: string): Promise<DiscoveredFunction[]> {
  const file = templateFile(dir) as string;
  let template: { Globals?: { Function?: Record<string, unknown> }; Resources?: Record<string, SamResource> };
  try {
    const text = readFileSync(file, 'utf8');
    template = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as typeof template;
  } catch (err) {
    throw new CliError(`cannot read the SAM template ${file}: ${(err as Error).message}`, 'check that it is valid YAML or JSON (sam validate)');
  }
  const stackName = samStackName(dir);
  return Object.entries(template.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
    .map(([logicalId, resource]) => mapFunction(dir, logicalId, resource, template.Globals?.Function ?? {}, stackName));
}

export const samReader: ProjectReader = {
  kind: 'AWS SAM template',
  detect: (dir) => templateFile(dir) !== undefined,
  read: readSamTemplate,
};
