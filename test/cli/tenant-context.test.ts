import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeContext } from '../../cli/src/runners/node-context.js';
import { checkPython } from '../../cli/src/runners/python-check.js';
import { RunnerPool } from '../../cli/src/runners/runner-pool.js';
import { invocation } from './helpers.js';

describe("the invocation's tenant (tenant isolation) in the local handler's context", () => {
  const codeDir = mkdtempSync(join(tmpdir(), 'plldb-tenant-'));
  writeFileSync(join(codeDir, 'tenant.py'), 'def handler(event, context):\n    return {"tenant": context.tenant_id}\n');
  afterAll(() => rmSync(codeDir, { recursive: true, force: true }));

  it('Node.js: context.tenantId, and no tenantId for a function without tenant isolation', () => {
    const data = invocation('index.handler', {}).context;
    expect(nodeContext({ ...data, tenantId: 'blue' }).tenantId).toBe('blue');
    expect(nodeContext(data)).not.toHaveProperty('tenantId');
  });

  it('Python: context.tenant_id', async () => {
    const pool = new RunnerPool({ codeDir, python: await checkPython('python3'), output: () => undefined, info: () => undefined, warn: () => undefined });
    try {
      const base = invocation('tenant.handler', {});
      const outcome = await pool.runnerFor('tenant-fn', 'python3.12')!.run({ ...base, context: { ...base.context, tenantId: 'blue' } });
      expect(outcome.ok && JSON.parse(outcome.response)).toEqual({ tenant: 'blue' });
    } finally {
      await pool.close();
    }
  });
});
