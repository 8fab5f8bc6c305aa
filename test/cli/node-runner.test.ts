import { afterAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeHandlerRunner } from '../../cli/src/runners/node-runner.js';
import { invocation } from './helpers.js';

const codeDir = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'node');
const runner = new NodeHandlerRunner(codeDir);

describe('Node.js handler runner (in process)', () => {
  afterAll(async () => {
    await runner.close();
    delete process.env.GREETING;
  });

  it('runs an ESM handler with the context and the function\'s environment', async () => {
    const outcome = await runner.run(invocation('esm.handler', { a: 1 }, 'req-esm', { GREETING: 'hello' }));
    expect(outcome).toEqual({ ok: true, response: JSON.stringify({ echo: { a: 1 }, requestId: 'req-esm', remainingPositive: true, greeting: 'hello' }) });
  });

  it('runs a CommonJS callback handler', async () => {
    await expect(runner.run(invocation('legacy.handler', { n: 3 }))).resolves.toEqual({ ok: true, response: '{"cjs":true,"n":3}' });
  });

  it('compiles a TypeScript handler (with its relative imports) and leaves no build output behind', async () => {
    await expect(runner.run(invocation('typed.handler', { n: 21 }))).resolves.toEqual({ ok: true, response: '{"doubled":42}' });
    expect(readdirSync(codeDir).filter((f) => f.includes('.plldb-'))).toEqual([]);
  });

  it('maps a thrown error to type, message and stack', async () => {
    const outcome = await runner.run(invocation('typed.handler', { n: -1 }));
    expect(outcome).toEqual({ ok: false, error: { errorType: 'RangeError', errorMessage: 'n must not be negative', stackTrace: expect.arrayContaining([expect.stringContaining('RangeError: n must not be negative')]) } });
    await expect(runner.run(invocation('esm.fails', {}))).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'PaymentError', errorMessage: 'card declined' }) });
    await expect(runner.run(invocation('esm.throwsString', {}))).resolves.toEqual({ ok: false, error: { errorType: 'string', errorMessage: 'plain string', stackTrace: [] } });
  });

  it('reports a missing module or export as Lambda does, saying where it looked', async () => {
    const missing = await runner.run(invocation('nothere.handler', {}));
    expect(missing).toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.ImportModuleError', errorMessage: expect.stringContaining('--code') }) });
    await expect(runner.run(invocation('esm.nope', {}))).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.HandlerNotFound' }) });
    await expect(runner.run(invocation('nodot', {}))).resolves.toEqual({ ok: false, error: expect.objectContaining({ errorType: 'Runtime.MalformedHandlerName' }) });
  });
});
