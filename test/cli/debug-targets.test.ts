import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectDebugTargets } from '../../cli/src/discover/debug-targets.js';
import type { DiscoveredFunction } from '../../cli/src/discover/types.js';
import { CliError } from '../../cli/src/errors.js';
import { functionSource } from '../../cli/src/runners/function-sources.js';
import { RunnerPool } from '../../cli/src/runners/runner-pool.js';
import { checkPython } from '../../cli/src/runners/python-check.js';
import { invocation } from './helpers.js';

const APP = fileURLToPath(new URL('./fixtures/cdk-app/', import.meta.url));
const functions: DiscoveredFunction[] = [
  { logicalId: 'CreateOrder18B1EE4A', runtime: 'nodejs22.x', handler: 'index.create', source: join(APP, 'src/handlers/orders.ts'), export: 'create', functionName: 'OrdersStack-CreateOrder-abc' },
  { logicalId: 'ReportC847FC22', runtime: 'python3.12', handler: 'report.handler', source: join(APP, 'python/report.py'), export: 'handler', functionName: 'OrdersStack-Report-def' },
  { logicalId: 'ListOrdersA592533A', runtime: 'nodejs22.x', handler: 'index.handler', source: join(APP, 'src/handlers/list.ts'), export: 'handler', notDeployed: 'stack OrdersStack has no function ListOrdersA592533A yet (deploy the project again)' },
  { logicalId: 'Computed', runtime: 'nodejs22.x', functionName: 'OrdersStack-Computed-x', problem: 'its entry is computed (entryFor(x)) in lib/stack.ts: name its source in plldb.config.json' },
];

describe('selectDebugTargets', () => {
  it('without --function: every deployed, mapped function, Node.js and Python together; the others listed with the reason', () => {
    const targets = selectDebugTargets(functions, []);
    expect(targets.functionNames).toEqual(['OrdersStack-CreateOrder-abc', 'OrdersStack-Report-def']);
    expect(targets.sources.get('OrdersStack-CreateOrder-abc')).toEqual({ codeDir: join(APP, 'src/handlers'), handler: 'orders.create' });
    expect(targets.sources.get('OrdersStack-Report-def')).toEqual({ codeDir: join(APP, 'python'), handler: 'report.handler' });
    expect(targets.skipped).toEqual([
      'skipping ListOrdersA592533A: not deployed (stack OrdersStack has no function ListOrdersA592533A yet (deploy the project again))',
      'skipping Computed: its entry is computed (entryFor(x)) in lib/stack.ts: name its source in plldb.config.json',
    ]);
  });

  it('--function takes deployed names, logical ids and * wildcards; a plain name outside the project is passed on', () => {
    expect(selectDebugTargets(functions, ['ReportC847FC22']).functionNames).toEqual(['OrdersStack-Report-def']);
    expect(selectDebugTargets(functions, ['OrdersStack-Create*']).functionNames).toEqual(['OrdersStack-CreateOrder-abc']);
    const other = selectDebugTargets(functions, ['other-fn']);
    expect(other.functionNames).toEqual(['other-fn']);
    expect(other.sources.size).toBe(0);
    expect(() => selectDebugTargets(functions, ['Nope*'])).toThrow(CliError);
  });

  it('outside a project, names are required and wildcards refused', () => {
    expect(selectDebugTargets(undefined, ['a', 'b']).functionNames).toEqual(['a', 'b']);
    expect(() => selectDebugTargets(undefined, [])).toThrow('no --function given');
    expect(() => selectDebugTargets(undefined, ['a*'])).toThrow(CliError);
  });
});

describe('functionSource', () => {
  it('keeps a Python package root its handler implies', () => {
    expect(functionSource({ source: '/p/code/pkg/mod.py', export: 'fn', handler: 'pkg.mod.fn', runtime: 'python3.12' })).toEqual({ codeDir: '/p/code', handler: 'pkg.mod.fn' });
    expect(functionSource({ source: '/p/src/orders.ts', export: 'create', handler: 'index.create', runtime: 'nodejs22.x' })).toEqual({ codeDir: '/p/src', handler: 'orders.create' });
  });
});

describe('RunnerPool with discovered sources', () => {
  const targets = selectDebugTargets(functions, []);
  let pool: RunnerPool;
  beforeAll(async () => {
    pool = new RunnerPool({ codeDir: '/nonexistent', sources: targets.sources, python: await checkPython('python3'), output: () => undefined, info: () => undefined, warn: () => undefined });
  });
  afterAll(() => pool.close());

  it('runs a NodejsFunction\'s TypeScript entry for the deployed handler index.create', async () => {
    const runner = pool.runnerFor('OrdersStack-CreateOrder-abc', 'nodejs22.x');
    const outcome = await runner?.run({ ...invocation('index.create', { item: 'tea' }), functionName: 'OrdersStack-CreateOrder-abc', runtime: 'nodejs22.x' });
    expect(outcome).toEqual({ ok: true, response: '{"created":"tea"}' });
  });

  it('runs a Python function from its asset folder in the same session', async () => {
    const runner = pool.runnerFor('OrdersStack-Report-def', 'python3.12');
    const outcome = await runner?.run({ ...invocation('report.handler', { day: 'monday' }), functionName: 'OrdersStack-Report-def' });
    expect(outcome).toEqual({ ok: true, response: '{"report": "monday"}' });
  });
});
