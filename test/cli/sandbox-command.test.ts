import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { zipFolder } from '../../cli/src/deploy/zip.js';
import { PACKAGE_ROOT as ROOT } from '../../sandbox/package-root.js';

// `plldb sandbox` as its own process (through its bin, as a user runs it), driven by the AWS SDK's
// Lambda client from this process and by `plldb invoke` from a third.
const BIN = join(ROOT, 'dist', 'cli', 'plldb.mjs');
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const APP = join(EXAMPLES, 'cdk-app');
const execFileAsync = promisify(execFile);
let work: string;
let envFile: string;
let sandbox: ChildProcess;
let env: Record<string, string>;
let lambda: LambdaClient;
let exited: Promise<number | null>;

async function waitFor(file: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600 && !existsSync(file); i++) {
    if (child.exitCode !== null) throw new Error(`plldb sandbox exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!existsSync(file)) throw new Error('plldb sandbox did not write its env file');
}

const plldb = (args: string[], input?: string) => {
  const run = execFileAsync(BIN, args, { env: { ...process.env, ...env } });
  if (input !== undefined) {
    run.child.stdin?.end(input);
  }
  return run.then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
};

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error('run npm run build first');
  work = mkdtempSync(join(tmpdir(), 'plldb-sandbox-cmd-'));
  envFile = join(work, 'sandbox.env');
  sandbox = spawn(BIN, ['sandbox', '--quiet', '--env-file', envFile, '--app', APP], { stdio: ['ignore', 'pipe', 'pipe'] });
  exited = new Promise((resolve) => sandbox.once('exit', (code) => resolve(code)));
  await waitFor(envFile, sandbox);
  env = Object.fromEntries(readFileSync(envFile, 'utf8').trim().split('\n').map((line) => line.replace(/^export /, '').split(/=(.*)/s).slice(0, 2) as [string, string]));
  lambda = new LambdaClient({ endpoint: env.AWS_ENDPOINT_URL_LAMBDA, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' } });
}, 90_000);

afterAll(async () => {
  lambda?.destroy();
  if (sandbox && sandbox.exitCode === null) {
    sandbox.kill('SIGTERM');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
});

describe('plldb sandbox', () => {
  it('hosts your functions over the Lambda API: Create, List, Get, UpdateFunctionConfiguration, Invoke, Delete', async () => {
    const created = await lambda.send(
      new CreateFunctionCommand({ FunctionName: 'hello', Runtime: 'nodejs22.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/hello-role', Code: { ZipFile: zipFolder(join(EXAMPLES, 'node')) } }),
    );
    expect(created).toMatchObject({ FunctionName: 'hello', Runtime: 'nodejs22.x', Handler: 'index.handler' });
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName)).toContain('hello');
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'hello' }))).Configuration?.Timeout).toBe(3);
    expect((await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'hello', Timeout: 10 }))).Timeout).toBe(10);
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'hello', Payload: Buffer.from('{"name":"Ada"}') }));
    expect(JSON.parse(Buffer.from(out.Payload ?? []).toString()).message).toMatch(/^Hello, Ada, from Node.js/);
  });

  it('plldb invoke prints the result, the status and the time; an error answer exits 1', async () => {
    const eventFile = join(work, 'event.json');
    writeFileSync(eventFile, '{"name":"Grace"}');
    const ok = await plldb(['invoke', 'hello', '--event', eventFile, '--json']);
    expect(ok.code).toBe(0);
    const parsed = JSON.parse(ok.stdout) as { statusCode: number; durationMs: number; result: { message: string } };
    expect(parsed.statusCode).toBe(200);
    expect(parsed.result.message).toMatch(/^Hello, Grace/);
    expect(typeof parsed.durationMs).toBe('number');
    const failed = await plldb(['invoke', 'hello', '--event', '-'], '{"fail":true}');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^hello: error \(Unhandled\), status 200, \d+ ms/);
    expect(failed.stdout).toContain('GreetingError');
  });

  it('plldb invoke: a missing function or an event that is not JSON gets one clear message', async () => {
    const missing = await plldb(['invoke', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('plldb: function nope not found');
    const badFile = join(work, 'bad.json');
    writeFileSync(badFile, '{name:');
    const bad = await plldb(['invoke', 'hello', '--event', badFile]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`the event ${badFile} is not JSON`);
  });

  it('refuses a port in use with what to do', async () => {
    const port = Number(new URL(env.AWS_ENDPOINT_URL_DYNAMODB ?? '').port);
    const second = await plldb(['sandbox', '--port', String(port)]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('a port of the sandbox is in use');
  });

  it('--app: the sample CDK app\'s functions are deployed, and plldb discover finds their deployed names there', async () => {
    const listed = (await lambda.send(new ListFunctionsCommand({}))).Functions?.map((f) => `${f.FunctionName} ${f.Runtime} ${f.Handler}`);
    expect(listed).toEqual(expect.arrayContaining([expect.stringMatching(/^PlldbSampleShop-PlaceOrder\w+ nodejs22\.x index\.placeOrder$/), expect.stringMatching(/^PlldbSampleShop-PriceQuote\w+ python3\.12 quote\.handler$/)]));
    const discovered = await plldb(['discover', '--app', APP, '--json']);
    expect(discovered.code).toBe(0);
    const functions = JSON.parse(discovered.stdout) as Record<string, string>[];
    expect(functions).toEqual([
      expect.objectContaining({ stackName: 'PlldbSampleShop', runtime: 'nodejs22.x', handler: 'index.placeOrder', source: join(APP, 'src', 'orders.ts'), export: 'placeOrder', functionName: expect.stringMatching(/^PlldbSampleShop-PlaceOrder\w+$/) }),
      expect.objectContaining({ stackName: 'PlldbSampleShop', runtime: 'python3.12', handler: 'quote.handler', source: join(APP, 'python', 'quote.py'), export: 'handler', functionName: expect.stringMatching(/^PlldbSampleShop-PriceQuote\w+$/) }),
    ]);
    const placeOrder = functions[0]?.functionName ?? '';
    const out = await lambda.send(new InvokeCommand({ FunctionName: placeOrder, Payload: Buffer.from('{"quantity":2}') }));
    expect(JSON.parse(Buffer.from(out.Payload ?? []).toString())).toEqual({ item: 'tea', quantity: 2, total: 9 });
  }, 60_000);

  it('DeleteFunction removes it; SIGTERM stops the sandbox cleanly and removes the env file', async () => {
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'hello' }));
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName)).not.toContain('hello');
    sandbox.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(envFile)).toBe(false);
  });
});
