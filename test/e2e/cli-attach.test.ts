import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ATTACH_POLICY_NAME, ATTACHED_ROLE_TAG, Env, readAttachment } from '../../protocol/index.js';
import { SANDBOX_ACCOUNT_ID } from '../../sandbox/constants.js';
import { echoWith, startWorld, type World } from './support/world.js';
import { TestDebugger } from './support/test-debugger.js';

const PLLDB = fileURLToPath(new URL('../../dist/cli/plldb.mjs', import.meta.url));
const run = promisify(execFile);
const HANDLER = `export const handler = async (event) => ({ handledBy: 'own-handler', event });\n`;
/** Each case runs the CLI several times as separate processes: slow on a busy machine. */
const CASE_MS = 180_000;

/**
 * The built CLI against the sandbox, as separate machines (one state folder each) sharing one
 * account: attach and detach in every order, deploys in between, takeovers, a killed debug session.
 */
describe('end to end: plldb attach, detach and status against the sandbox', () => {
  let world: World;
  let codeDir: string;
  const machines: string[] = [];
  const machine = () => {
    const dir = mkdtempSync(join(tmpdir(), 'plldb-machine-'));
    machines.push(dir);
    return dir;
  };
  const env = (stateDir: string) => ({ ...process.env, ...world.sandbox.env, PLLDB_STATE_DIR: stateDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  /** Runs plldb on a machine; resolves with its exit code and output (never rejects). */
  const plldb = async (stateDir: string, ...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [PLLDB, ...args], { env: env(stateDir) });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const config = (name: string): FunctionConfiguration => world.sandbox.functions.getFunctionConfiguration(name);
  const iam = () => world.sandbox.services.controlPlane.iam;
  const roleState = (role: string) => ({ policy: iam().rolePolicy(role, ATTACH_POLICY_NAME) !== undefined, tags: iam().roleTags(role) });
  const roleArn = (role: string) => `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/${role}`;
  /** What a deploy does: UpdateFunctionConfiguration with its own values. */
  const deploy = (name: string, patch: { environment?: Record<string, string>; timeout?: number }) => world.sandbox.functions.updateFunctionConfiguration(name, patch);
  const create = (name: string, settings: { timeout?: number; role?: string; environment?: Record<string, string> } = {}) =>
    world.sandbox.createFunction({ name, runtime: 'nodejs22.x', handler: 'index.handler', codeDir, timeout: settings.timeout ?? 3, ...(settings.role ? { role: roleArn(settings.role) } : {}), ...(settings.environment ? { environment: settings.environment } : {}) });
  /** The function's settings that attach and detach touch. */
  const settings = (name: string) => ({ layers: (config(name).Layers ?? []).map((l) => l.Arn), environment: config(name).Environment?.Variables, timeout: config(name).Timeout });

  beforeAll(async () => {
    world = await startWorld();
    codeDir = mkdtempSync(join(tmpdir(), 'plldb-e2e-code-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(codeDir, 'index.mjs'), HANDLER);
    world.plain('cli-target');
  });

  afterAll(async () => {
    await world?.stop();
    for (const dir of [codeDir, ...machines]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('debugs a function once attached, and runs its own handler again once detached', async () => {
    const here = machine();
    world.debuggerClient.behaviour = echoWith(() => 'from the debugger');
    expect((await plldb(here, 'attach', '-f', 'cli-target', '--connection-id', world.debuggerClient.connectionId)).code).toBe(0);
    expect(JSON.parse((await world.sandbox.invoke('cli-target', {})).payload)).toBe('from the debugger');
    expect((await plldb(here, 'detach', '-f', 'cli-target')).code).toBe(0);
    expect(JSON.parse((await world.sandbox.invoke('cli-target', { n: 1 })).payload)).toMatchObject({ handledBy: 'own-handler', event: { n: 1 } });
  }, CASE_MS);

  it.each([
    ['attach order', 'first'],
    ['reverse order', 'second'],
  ])('two machines sharing an execution role, stopped in %s: each function gets its own timeout back, the role keeps its policy and tag until the last', async (_order, firstStopped) => {
    const role = `shared-${firstStopped}`;
    const [a, b] = [`two-a-${firstStopped}`, `two-b-${firstStopped}`];
    create(a, { role, timeout: 10, environment: { A: '1' } });
    create(b, { role, timeout: 20 });
    const [machineA, machineB] = [machine(), machine()];
    const other = await TestDebugger.connect(world.sandbox.endpoints.webSocketUrl);
    try {
      expect((await plldb(machineA, 'attach', '-f', a, '--connection-id', world.debuggerClient.connectionId, '--session-id', 'session-a', '--timeout', '30')).code).toBe(0);
      expect((await plldb(machineB, 'attach', '-f', b, '--connection-id', other.connectionId, '--session-id', 'session-b', '--timeout', '40')).code).toBe(0);
      expect(roleState(role)).toEqual({ policy: true, tags: { [ATTACHED_ROLE_TAG.key]: 'true' } });
      const [[firstMachine, firstFn], [lastMachine, lastFn]] = firstStopped === 'first' ? [[machineA, a], [machineB, b]] : [[machineB, b], [machineA, a]];
      expect((await plldb(firstMachine, 'detach', '-f', firstFn)).stdout).toContain(`detached ${firstFn}: configuration restored`);
      expect(roleState(role)).toEqual({ policy: true, tags: { [ATTACHED_ROLE_TAG.key]: 'true' } });
      expect((await plldb(lastMachine, 'detach', '-f', lastFn)).code).toBe(0);
      expect(roleState(role)).toEqual({ policy: false, tags: {} });
      expect(settings(a)).toEqual({ layers: [], environment: { A: '1' }, timeout: 10 });
      expect(settings(b)).toEqual({ layers: [], environment: undefined, timeout: 20 });
    } finally {
      other.close();
    }
  }, CASE_MS);

  it('a deploy during the session that keeps the environment: detach removes only PLLDB\'s additions and says what it kept', async () => {
    create('deploy-kept', { timeout: 10, environment: { A: '1' } });
    const here = machine();
    expect((await plldb(here, 'attach', '-f', 'deploy-kept', '--connection-id', world.debuggerClient.connectionId, '--timeout', '300')).code).toBe(0);
    deploy('deploy-kept', { environment: { ...config('deploy-kept').Environment!.Variables!, A: '2', ADDED: 'by deploy' }, timeout: 60 });
    const out = await plldb(here, 'detach', '-f', 'deploy-kept');
    expect(out.stdout.trim()).toBe("detached deploy-kept: PLLDB's additions removed; kept timeout 60 s (PLLDB had set 300 s), the environment as changed since attach");
    expect(settings('deploy-kept')).toEqual({ layers: [], environment: { A: '2', ADDED: 'by deploy' }, timeout: 60 });
    expect(roleState('deploy-kept-role').policy).toBe(false);
  }, CASE_MS);

  it('a deploy during the session that wipes the environment: detach still removes the layer and the timeout it set', async () => {
    create('deploy-wiped', { timeout: 10, environment: { A: '1' } });
    const here = machine();
    expect((await plldb(here, 'attach', '-f', 'deploy-wiped', '--connection-id', world.debuggerClient.connectionId, '--timeout', '300')).code).toBe(0);
    deploy('deploy-wiped', { environment: { A: 'deployed' } });
    const out = await plldb(here, 'detach', '-f', 'deploy-wiped');
    expect(out.stdout).toContain('kept the environment as changed since attach');
    expect(settings('deploy-wiped')).toEqual({ layers: [], environment: { A: 'deployed' }, timeout: 10 });
    expect(roleState('deploy-wiped-role')).toEqual({ policy: false, tags: {} });
  }, CASE_MS);

  it('refuses a function another live session holds, naming it; --takeover moves it, and the old machine\'s detach --all leaves it alone', async () => {
    create('contested', { timeout: 5 });
    const [machineA, machineB] = [machine(), machine()];
    const second = await TestDebugger.connect(world.sandbox.endpoints.webSocketUrl);
    try {
      expect((await plldb(machineA, 'attach', '-f', 'contested', '--connection-id', world.debuggerClient.connectionId, '--session-id', 'session-a', '--timeout', '30')).code).toBe(0);
      const refused = await plldb(machineB, 'attach', '-f', 'contested', '--connection-id', second.connectionId, '--session-id', 'session-b');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/function contested is attached to session session-a \(connection .*, attached \d{4}-.*\), still connected\n {2}-> stop that session, or pass --takeover/);
      const taken = await plldb(machineB, 'attach', '-f', 'contested', '--connection-id', second.connectionId, '--session-id', 'session-b', '--takeover');
      expect(taken.stdout).toMatch(/^took over contested from session session-a .*that session stops serving it$/m);
      second.behaviour = echoWith(() => 'from session b');
      expect(JSON.parse((await world.sandbox.invoke('contested', {})).payload)).toBe('from session b');
      expect((await plldb(machineA, 'detach', '--all')).stdout).toContain('contested is now held by session session-b: left to it');
      // The new owner's attachment decides the timeout (it asked for none): back to the function's own.
      expect(readAttachment(config('contested').Environment?.Variables)).toMatchObject({ sessionId: 'session-b' });
      expect(config('contested').Timeout).toBe(5);
      expect((await plldb(machineB, 'detach', '-f', 'contested')).code).toBe(0);
      expect(settings('contested')).toEqual({ layers: [], environment: undefined, timeout: 5 });
    } finally {
      second.close();
    }
  }, CASE_MS);

  it('takes over an attachment whose connection is gone, with a notice; status shows who holds what', async () => {
    create('orphaned', { timeout: 4 });
    const [machineA, machineB] = [machine(), machine()];
    const gone = await TestDebugger.connect(world.sandbox.endpoints.webSocketUrl);
    expect((await plldb(machineA, 'attach', '-f', 'orphaned', '--connection-id', gone.connectionId, '--session-id', 'session-gone')).code).toBe(0);
    gone.close();
    const status = JSON.parse((await plldb(machineB, 'status', '--json')).stdout) as { functionName: string; sessionId: string; connection: string }[];
    expect(status.find((s) => s.functionName === 'orphaned')).toMatchObject({ sessionId: 'session-gone', connection: 'closed' });
    const taken = await plldb(machineB, 'attach', '-f', 'orphaned', '--connection-id', world.debuggerClient.connectionId, '--session-id', 'session-new');
    expect(taken.stdout).toMatch(/^took over orphaned from session session-gone .*: that connection is closed$/m);
    const after = JSON.parse((await plldb(machineA, 'status', '--json')).stdout) as { functionName: string; sessionId: string; connection: string; attachedAt: string }[];
    expect(after.find((s) => s.functionName === 'orphaned')).toMatchObject({ sessionId: 'session-new', connection: 'connected', attachedAt: expect.stringMatching(/^\d{4}-/) });
    expect((await plldb(machineA, 'detach', '-f', 'orphaned')).code).toBe(0);
    expect(settings('orphaned')).toEqual({ layers: [], environment: undefined, timeout: 4 });
  }, CASE_MS);

  it('detach from another machine, with no local state, restores the timeout from before attach', async () => {
    create('elsewhere', { timeout: 7 });
    const [machineA, machineB] = [machine(), machine()];
    expect((await plldb(machineA, 'attach', '-f', 'elsewhere', '--connection-id', world.debuggerClient.connectionId, '--timeout', '120')).code).toBe(0);
    expect((await plldb(machineA, 'attach', '-f', 'elsewhere', '--connection-id', world.debuggerClient.connectionId, '--timeout', '120')).code).toBe(0);
    expect((await plldb(machineB, 'detach', '-f', 'elsewhere')).stdout.trim()).toBe('detached elsewhere: configuration restored');
    expect(settings('elsewhere')).toEqual({ layers: [], environment: undefined, timeout: 7 });
    expect(roleState('elsewhere-role')).toEqual({ policy: false, tags: {} });
  }, CASE_MS);

  it('detach --all after kill -9 of plldb debug restores the function and the role', async () => {
    create('killed', { timeout: 3, environment: { KEEP: 'me' } });
    const here = machine();
    const debug = spawn(process.execPath, [PLLDB, 'debug', '-f', 'killed', '--code', codeDir], { env: env(here), stdio: 'ignore' });
    try {
      for (let i = 0; i < 600 && readAttachment(config('killed').Environment?.Variables) === undefined; i++) await new Promise((r) => setTimeout(r, 50));
      expect(config('killed').Timeout).toBe(900);
    } finally {
      debug.kill('SIGKILL');
      await new Promise((r) => (debug.exitCode !== null || debug.signalCode !== null ? r(undefined) : debug.once('exit', r)));
    }
    expect(roleState('killed-role').policy).toBe(true);
    const out = await plldb(here, 'detach', '--all');
    expect(out.stdout.trim()).toBe('detached killed: configuration restored');
    expect(settings('killed')).toEqual({ layers: [], environment: { KEEP: 'me' }, timeout: 3 });
    expect(roleState('killed-role')).toEqual({ policy: false, tags: {} });
    expect((await plldb(here, 'detach', '--all')).stdout.trim()).toBe('no attachments recorded on this machine: nothing to detach');
  }, CASE_MS);

  it('refuses an OS-only runtime, saying why, changing nothing', async () => {
    world.sandbox.createFunction({ name: 'os-only', runtime: 'provided.al2023', handler: 'bootstrap', codeDir });
    const out = await plldb(machine(), 'attach', '-f', 'os-only', '--connection-id', world.debuggerClient.connectionId);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('Lambda ignores AWS_LAMBDA_EXEC_WRAPPER');
    expect(settings('os-only')).toEqual({ layers: [], environment: undefined, timeout: 3 });
    expect(config('os-only').Environment?.Variables?.[Env.Attachment]).toBeUndefined();
  }, CASE_MS);
});
