import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT as ROOT } from '../../sandbox/package-root.js';
import { execFileAsync, folderBytes, installOffline } from './offline-install.js';

// The packed package, installed into an empty folder, and its CLI run from there.
const MB = 1024 * 1024;
let work: string;
let tarball: string;
let project: string;
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const plldb = (args: string[], cwd = project, env: Record<string, string> = {}) =>
  execFileAsync(join(project, 'node_modules', '.bin', 'plldb'), args, { cwd, env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'plldb-none', ...env } });

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'plldb.mjs'))) throw new Error('these tests pack the build: run npm run build first');
  if (!existsSync(join(ROOT, 'dist', 'stack', 'template.json'))) await execFileAsync('npm', ['run', 'package:stack', '--silent'], { cwd: ROOT });
  work = mkdtempSync(join(tmpdir(), 'plldb-pack-'));
  const { stdout } = await execFileAsync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: ROOT });
  tarball = join(work, stdout.trim().split('\n').at(-1) as string);
  project = join(work, 'project');
  mkdirSync(project);
  copyFileSync(tarball, join(project, 'plldb.tgz'));
  await installOffline(ROOT, join(project, 'plldb.tgz'), project);
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the CLI (with its Python executor), the layers\' runtime, the stack template and the sandbox runtimes, but not the Node.js binaries or aws-cdk-lib', async () => {
    const { stdout } = await execFileAsync('tar', ['-tzf', tarball]);
    const files = stdout.split('\n');
    expect(files).toEqual(expect.arrayContaining(['package/dist/cli/plldb.mjs', 'package/dist/layer/bin/bootstrap', 'package/dist/stack/template.json', 'package/dist/stack/assets.json', 'package/sandbox/runtimes/python_runtime.py', 'package/cli/python/plldb_executor.py']));
    expect(files.filter((f) => f.includes('layer-standalone') || f.endsWith('/bin/node'))).toEqual([]);
    expect(existsSync(join(project, 'node_modules', 'aws-cdk-lib'))).toBe(false);
    expect(statSync(tarball).size).toBeLessThan(5 * MB);
  });

  it('installs under 150 MB, dependencies included', async () => {
    expect(await folderBytes(join(project, 'node_modules'))).toBeLessThan(150 * MB);
  });

  it('plldb --version prints the package version', async () => {
    expect((await plldb(['--version'])).stdout.trim()).toBe(version);
  });

  it('plldb --help lists the commands', async () => {
    const { stdout } = await plldb(['--help']);
    // `status` belongs to another change and is checked once it is there.
    for (const command of ['debug', 'attach', 'detach', 'invoke', 'sandbox', 'discover', 'deploy', 'destroy', 'ide', 'demo']) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('plldb discover --json maps a SAM project\'s functions', async () => {
    const app = join(work, 'sam-app');
    cpSync(join(ROOT, 'test', 'cli', 'fixtures', 'sam-app'), app, { recursive: true });
    const { stdout } = await plldb(['discover', '--app', app, '--json', '--no-aws']);
    const functions = JSON.parse(stdout) as { logicalId: string; source?: string; export?: string }[];
    expect(functions.find((f) => f.logicalId === 'HelloFunction')).toMatchObject({ source: join(app, 'hello', 'app.ts'), export: 'lambdaHandler' });
  });

  it('plldb deploy --dry-run writes the packaged template, with no credentials', async () => {
    const { stdout } = await plldb(['deploy', '--dry-run', '--out', 'stack-out']);
    expect(stdout).toContain('PLLDB.template.json');
    expect(readFileSync(join(project, 'stack-out', 'PLLDB.template.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'dist', 'stack', 'template.json'), 'utf8'));
  });

  it('plldb demo --app debugs the sample CDK app on the sandbox: its Node.js and Python functions, from their sources, in one session', async () => {
    const app = join(work, 'cdk-app');
    cpSync(join(ROOT, 'examples', 'cdk-app'), app, { recursive: true, filter: (src) => !src.includes('__pycache__') });
    // The app's own CDK dependencies and lock file (NodejsFunction needs one), as a user's CDK app has them.
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify({ name: 'plldb-sample-cdk-app', lockfileVersion: 3, requires: true, packages: {} }));
    mkdirSync(join(app, 'node_modules', '.bin'), { recursive: true });
    for (const dep of ['aws-cdk-lib', 'constructs', 'tsx']) symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep));
    symlinkSync('../tsx/dist/cli.mjs', join(app, 'node_modules', '.bin', 'tsx'));
    // The standalone layer is assembled from the pinned Node.js in a cache of its own, here the one npm ci fetched (no network).
    const pins = JSON.parse(readFileSync(join(ROOT, 'scripts', 'node-binaries.json'), 'utf8')) as { version: string; binaries: Record<string, { pkg: string }> };
    const nodeTarball = `${pins.binaries[process.arch === 'arm64' ? 'arm64' : 'x86_64']!.pkg}-${pins.version}.tgz`;
    mkdirSync(join(work, 'cache', 'node-binaries'), { recursive: true });
    symlinkSync(join(ROOT, '.cache', 'node-binaries', nodeTarball), join(work, 'cache', 'node-binaries', nodeTarball));
    const { stdout } = await plldb(['demo', '--app', '.'], app, { PLLDB_CACHE_DIR: join(work, 'cache') });
    expect(stdout).toMatch(/^ {2}\| debugging PlldbSampleShop-PlaceOrder\w+, PlldbSampleShop-PriceQuote\w+ \(session /m);
    expect(stdout).toMatch(/src\/orders\.ts +\{"item":"tea","quantity":2\} +\{"item":"tea","quantity":2,"total":9\} +\{"item":"tea","quantity":2,"total":9\} +plldb debug$/m);
    expect(stdout).toMatch(/python\/quote\.py +\{"item":"tea","quantity":2\} +\{"item": "tea", "price": "9\.00"\} +\{"item": "tea", "price": "9\.00"\} +plldb debug$/m);
    expect(stdout).toMatch(/^done in [\d.]+ s: the sandbox is stopped and nothing is left running\.$/m);
  }, 180_000);
});
