import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';

/** Where `npm pack` (scripts/package-stack.ts) puts the helper stack, relative to the package folder. */
export const STACK_PACKAGE_DIR = join('dist', 'stack');
export const STACK_TEMPLATE_FILE = 'template.json';
export const STACK_ASSETS_FILE = 'assets.json';

/** Architectures of the standalone layers (the pinned Node.js binary each one adds). */
export type LayerArch = 'x86_64' | 'arm64';

/** One zip file the template names in the CDK bootstrap bucket, and the built folder it is made from. */
export interface StackAsset {
  /** Object key the template's Code.S3Key names. */
  objectKey: string;
  /** Folder under dist/ (e.g. `layer`, `relay`). */
  folder: string;
  /** Set for a standalone layer: the folder plus `plldb/bin/node` of this architecture, fetched when first needed. */
  nodeArch?: LayerArch;
}

export interface StackPackage {
  /** The stack name the template was synthesized for (the default of --stack). */
  stackName: string;
  /** The CloudFormation template, exactly as `cdk synth` wrote it. */
  template: string;
  assets: StackAsset[];
}

/** Reads the packaged template and its asset list from the package folder. */
export function loadStackPackage(packageRoot: string): StackPackage {
  const dir = join(packageRoot, STACK_PACKAGE_DIR);
  const templateFile = join(dir, STACK_TEMPLATE_FILE);
  if (!existsSync(templateFile)) {
    throw new CliError(`the helper stack's template is missing (${templateFile})`, 'in a clone of plldb run npm run package:stack (or npx cdk deploy); an installed plldb has it: reinstall it');
  }
  const { stackName, assets } = JSON.parse(readFileSync(join(dir, STACK_ASSETS_FILE), 'utf8')) as Omit<StackPackage, 'template'>;
  return { stackName, assets, template: readFileSync(templateFile, 'utf8') };
}
