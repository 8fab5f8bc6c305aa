import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverFunctions, type Discovery } from '../../cli/src/discover/discover.js';
import type { DeployedFunctionsApi } from '../../cli/src/discover/deployed-names.js';
import { CliError } from '../../cli/src/errors.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const temps: string[] = [];
function tempCopy(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'plldb-discover-'));
  temps.push(dir);
  if (fixture) cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const deployed = (stacks: Record<string, Record<string, string>>): DeployedFunctionsApi => ({
  functionNames: async (stackName) => (stacks[stackName] ? new Map(Object.entries(stacks[stackName])) : undefined),
});

describe('a CDK app', () => {
  const app = join(FIXTURES, 'cdk-app');
  let discovery: Discovery;
  beforeAll(async () => {
    discovery = await discoverFunctions(app, { deployed: deployed({ OrdersStack: { CreateOrder18B1EE4A: 'OrdersStack-CreateOrder-abc', ReportC847FC22: 'OrdersStack-Report-def', ship5966EB2A: 'OrdersStack-ship-ghi' } }) });
  }, 240_000);

  it('maps NodejsFunction with entry and handler, with only entry, and with neither (the <file>.<id>.ts default)', () => {
    expect(discovery.kind).toBe('AWS CDK app');
    const byId = Object.fromEntries(discovery.functions.map((f) => [f.logicalId, f]));
    expect(byId.CreateOrder18B1EE4A).toEqual({ logicalId: 'CreateOrder18B1EE4A', stackName: 'OrdersStack', runtime: 'nodejs22.x', handler: 'index.create', source: join(app, 'src', 'handlers', 'orders.ts'), export: 'create', functionName: 'OrdersStack-CreateOrder-abc' });
    expect(byId.ListOrdersA592533A).toMatchObject({ source: join(app, 'src', 'handlers', 'list.ts'), export: 'handler' });
    expect(byId.ship5966EB2A).toMatchObject({ source: join(app, 'lib', 'orders-stack.ship.ts'), export: 'handler', functionName: 'OrdersStack-ship-ghi' });
  });

  it('maps a lambda.Function with Code.fromAsset(dir) and a Python module.function handler', () => {
    expect(discovery.functions.find((f) => f.logicalId === 'ReportC847FC22')).toMatchObject({ runtime: 'python3.12', handler: 'report.handler', source: join(app, 'python', 'report.py'), export: 'handler' });
  });

  it('says which function is not deployed', () => {
    expect(discovery.functions.find((f) => f.logicalId === 'ListOrdersA592533A')?.notDeployed).toBe('stack OrdersStack has no function ListOrdersA592533A yet (deploy the project again)');
  });

  it('shows the error of an app that fails to synthesize', async () => {
    const dir = tempCopy('');
    writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'node -e "throw new Error(\'stack props are wrong\')"' }));
    const err = (await discoverFunctions(dir).catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toContain('failed to synthesize');
    expect(err.message).toContain('stack props are wrong');
  });
});

describe('a SAM template', () => {
  it('maps CodeUri + Handler, and esbuild EntryPoints; an intrinsic Handler is listed with the reason', async () => {
    const app = join(FIXTURES, 'sam-app');
    const { kind, functions } = await discoverFunctions(app, { deployed: deployed({ 'sam-app': { HelloFunction: 'sam-app-HelloFunction-1' } }) });
    expect(kind).toBe('AWS SAM template');
    expect(functions).toEqual([
      { logicalId: 'HelloFunction', stackName: 'sam-app', runtime: 'nodejs22.x', handler: 'app.lambdaHandler', source: join(app, 'hello', 'app.ts'), export: 'lambdaHandler', functionName: 'sam-app-HelloFunction-1' },
      { logicalId: 'ReportFunction', stackName: 'sam-app', runtime: 'python3.12', handler: 'report.lambda_handler', source: join(app, 'py', 'report.py'), export: 'lambda_handler', notDeployed: 'stack sam-app has no function ReportFunction yet (deploy the project again)' },
      expect.objectContaining({ logicalId: 'ComputedFunction', problem: expect.stringContaining('its Handler is an intrinsic function ({"Fn::Sub":"${AWS::StackName}.handler"})') }),
    ]);
  });
});

describe('plldb.config.json', () => {
  it('adds a function by deployed name', async () => {
    const app = join(FIXTURES, 'config-app');
    const { kind, functions } = await discoverFunctions(app);
    expect(kind).toBe('plldb.config.json');
    expect(functions).toEqual([{ logicalId: 'legacy-orders', functionName: 'legacy-orders', stackName: 'legacy-stack', source: join(app, 'src', 'orders.mjs'), export: 'handle', runtime: 'nodejs22.x' }]);
  });

  it('overrides a discovered mapping by logical id', async () => {
    const dir = tempCopy('sam-app');
    writeFileSync(join(dir, 'plldb.config.json'), JSON.stringify({ functions: { ComputedFunction: { source: 'hello/app.ts', export: 'lambdaHandler' } } }));
    const { functions } = await discoverFunctions(dir);
    expect(functions.find((f) => f.logicalId === 'ComputedFunction')).toMatchObject({ source: join(dir, 'hello', 'app.ts'), export: 'lambdaHandler' });
    expect(functions.find((f) => f.logicalId === 'ComputedFunction')?.problem).toBeUndefined();
  });

  it('names a missing source or export as the function\'s problem', async () => {
    const dir = tempCopy('config-app');
    writeFileSync(join(dir, 'plldb.config.json'), JSON.stringify({ functions: { a: { source: 'src/missing.ts' }, b: { source: 'src/orders.mjs', export: 'nope' } } }));
    const { functions } = await discoverFunctions(dir);
    expect(functions.map((f) => f.problem)).toEqual([`source ${join(dir, 'src', 'missing.ts')} does not exist`, `${join(dir, 'src', 'orders.mjs')} does not export nope`]);
  });
});

describe('a folder that is no project', () => {
  it('says what plldb looks for and what to do', async () => {
    const err = (await discoverFunctions(tempCopy('')).catch((e: unknown) => e)) as CliError;
    expect(err.message).toContain('no cdk.json, no SAM template.yaml, no plldb.config.json');
    expect(err.hint).toContain('--app DIR');
  });
});
