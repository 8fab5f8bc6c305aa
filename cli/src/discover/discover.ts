import { resolve } from 'node:path';
import { CliError } from '../errors.js';
import { cdkReader } from './cdk-app.js';
import { applyConfig, CONFIG_FILE, readConfig } from './config-file.js';
import { addDeployedNames, type DeployedFunctionsApi } from './deployed-names.js';
import { checkMapping } from './handler-source.js';
import { samReader } from './sam-template.js';
import type { DiscoveredFunction, ProjectReader } from './types.js';

/** The project kinds plldb reads, first match wins. */
export const PROJECT_READERS: readonly ProjectReader[] = [cdkReader, samReader];

/** Whether `dir` is a project discover can read (so plldb debug can find its functions). */
export function isProject(dir: string): boolean {
  const root = resolve(dir);
  return PROJECT_READERS.some((r) => r.detect(root)) || readConfig(root) !== undefined;
}

export interface DiscoverOptions {
  /** The deployed stack for functions whose project names none. */
  stack?: string;
  /** Looks up deployed names; left out: none are looked up. */
  deployed?: DeployedFunctionsApi;
}

export interface Discovery {
  /** `AWS CDK app`, `AWS SAM template`, or the config file alone. */
  kind: string;
  functions: DiscoveredFunction[];
}

/** The functions of the project in `dir`, each mapped to its source (or with the reason it is not). */
export async function discoverFunctions(dir: string, options: DiscoverOptions = {}): Promise<Discovery> {
  const root = resolve(dir);
  const reader = PROJECT_READERS.find((r) => r.detect(root));
  const config = readConfig(root);
  if (!reader && !config) {
    throw new CliError(
      `${root} is no infrastructure-as-code project plldb reads: no cdk.json, no SAM template.yaml, no ${CONFIG_FILE}`,
      `run this in your project's folder or pass --app DIR; or add a ${CONFIG_FILE}: {"stack": "MyStack", "functions": {"my-function": {"source": "src/handler.ts", "export": "handler"}}}`,
    );
  }
  const stack = options.stack ?? config?.stack;
  let functions = (reader ? await reader.read(root) : []).map((fn) => (fn.stackName || !stack ? fn : { ...fn, stackName: stack }));
  if (config) functions = applyConfig(root, { ...config, ...(stack ? { stack } : {}) }, functions);
  if (options.deployed) functions = await addDeployedNames(functions, options.deployed);
  return { kind: reader?.kind ?? CONFIG_FILE, functions: functions.map(checkMapping) };
}
