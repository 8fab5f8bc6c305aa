import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPython } from '../../cli/src/runners/python-check.js';
import { RunnerPool } from '../../cli/src/runners/runner-pool.js';
import { invocation } from './helpers.js';

const examples = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'examples');
let runners: RunnerPool;

describe('the sample functions of examples/', () => {
  beforeAll(async () => {
    runners = new RunnerPool({ codeDir: examples, python: await checkPython('python3'), output: () => undefined, warn: () => undefined });
  });
  afterAll(() => runners.close());

  it.each([
    ['nodejs22.x', 'node/index.handler', 'GreetingError', /Hello, Ada, from Node\.js/],
    ['python3.12', 'python/app.handler', 'GreetingError', /Hello, Ada, from Python/],
    // What the layer sends: the function's AWS_EXECUTION_ENV.
    ['AWS_Lambda_nodejs22.x', 'node/index.handler', 'GreetingError', /Hello, Ada, from Node\.js/],
    ['AWS_Lambda_python3.12', 'python/app.handler', 'GreetingError', /Hello, Ada, from Python/],
  ])('%s %s greets, and fails when asked to', async (runtime, handler, errorType, greeting) => {
    const runner = runners.runnerFor('sample', runtime)!;
    const ok = await runner.run({ ...invocation(handler, { name: 'Ada' }, 'req-ok'), runtime });
    expect(ok.ok && JSON.parse(ok.response)).toMatchObject({ message: expect.stringMatching(greeting), requestId: 'req-ok' });
    const failed = await runner.run({ ...invocation(handler, { fail: true }, 'req-fail'), runtime });
    expect(failed).toMatchObject({ ok: false, error: { errorType, errorMessage: 'asked to fail (request req-fail)' } });
    const padded = await runner.run({ ...invocation(handler, { pad: 5 }, 'req-pad'), runtime });
    expect(padded.ok && JSON.parse(padded.response)).toMatchObject({ padding: 'xxxxx' });
  });
});
