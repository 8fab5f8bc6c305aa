import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** WebStorm / IntelliJ shared run configuration (the .run folder), running `plldb debug` under the Node.js debugger. */
export function jetbrainsNodeConfig(workspace: string, app: string): { path: string; xml: string } {
  const appArg = relative(workspace, app) || '.';
  const xml = `<component name="ProjectRunConfigurationManager">
  <configuration default="false" name="PLLDB debug" type="NodeJSConfigurationType" path-to-js-file="$PROJECT_DIR$/node_modules/plldb/dist/cli/plldb.mjs" application-parameters="debug --app ${appArg}" working-dir="$PROJECT_DIR$">
    <method v="2" />
  </configuration>
</component>
`;
  return { path: join(workspace, '.run', 'PLLDB debug.run.xml'), xml };
}

/** Writes the file unless one with other content is there (never overwritten: returned as not written). */
export function writeIfAbsent(path: string, content: string): 'written' | 'unchanged' | 'kept' {
  if (existsSync(path)) return readFileSync(path, 'utf8') === content ? 'unchanged' : 'kept';
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return 'written';
}
