import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapBucketName, s3AssetBucket, type AssetBucket } from '../../cli/src/deploy/asset-bucket.js';
import { deployStack, destroyStack } from '../../cli/src/deploy/deployer.js';
import { zipFolder } from '../../cli/src/deploy/zip.js';
import { runDeploy } from '../../cli/src/commands/deploy.js';
import { CliError } from '../../cli/src/errors.js';
import type { StackPackage } from '../../cli/src/package/stack-package.js';

const cfn = mockClient(CloudFormationClient);
const client = new CloudFormationClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const pkg: StackPackage = {
  stackName: 'PLLDB',
  template: '{"Resources":{}}',
  assets: [
    { objectKey: 'aaa.zip', folder: 'relay' },
    { objectKey: 'bbb.zip', folder: 'layer', nodeArch: 'x86_64' },
  ],
};

function memoryBucket(existing: string[] = []): AssetBucket & { puts: string[] } {
  const keys = new Set(existing);
  const puts: string[] = [];
  return {
    name: 'cdk-hnb659fds-assets-123456789012-us-east-1',
    puts,
    check: async () => undefined,
    has: async (key) => keys.has(key),
    put: async (key) => void (puts.push(key), keys.add(key)),
    url: (key) => `https://bucket/${key}`,
  };
}

const stack = (status: StackStatus, outputs: Record<string, string> = {}) => ({
  Stacks: [{ StackName: 'PLLDB', StackStatus: status, CreationTime: new Date(), Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }],
});
const missing = Object.assign(new Error('Stack with id PLLDB does not exist'), { name: 'ValidationError' });

beforeEach(() => {
  cfn.reset();
});

describe('deployStack', () => {
  it('creates a new stack: uploads only the missing assets, executes a CREATE change set, waits and returns the outputs', async () => {
    cfn.on(DescribeStacksCommand).rejectsOnce(missing).resolvesOnce(stack('CREATE_IN_PROGRESS')).resolves(stack('CREATE_COMPLETE', { TableName: 'PLLDBDebugger' }));
    cfn.on(CreateChangeSetCommand).resolves({});
    cfn.on(DescribeChangeSetCommand).resolvesOnce({ Status: 'CREATE_PENDING' }).resolves({ Status: 'CREATE_COMPLETE' });
    cfn.on(ExecuteChangeSetCommand).resolves({});
    const bucket = memoryBucket(['aaa.zip']);
    const lines: string[] = [];
    const zipped: string[] = [];
    const outputs = await deployStack(pkg, 'PLLDB', { cloudFormation: client, bucket, assetZip: async (a) => (zipped.push(a.objectKey), Buffer.from('zip')), info: (l) => lines.push(l), pollMs: 1 });
    expect(outputs).toEqual({ TableName: 'PLLDBDebugger' });
    expect(bucket.puts).toEqual(['bbb.zip']);
    expect(zipped).toEqual(['bbb.zip']);
    const input = cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ StackName: 'PLLDB', ChangeSetType: 'CREATE', TemplateBody: pkg.template, Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] });
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(1);
    expect(lines).toEqual(expect.arrayContaining(['PLLDB: CREATE_IN_PROGRESS', 'PLLDB: CREATE_COMPLETE']));
  });

  it('refuses a stack in ROLLBACK_COMPLETE with what to run, and changes nothing', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('ROLLBACK_COMPLETE'));
    const bucket = memoryBucket();
    const err = (await deployStack(pkg, 'PLLDB', { cloudFormation: client, bucket, assetZip: async () => Buffer.alloc(0), info: () => undefined }).catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toContain('ROLLBACK_COMPLETE');
    expect(err.hint).toContain('plldb destroy --stack PLLDB');
    expect(bucket.puts).toEqual([]);
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });

  it('says the stack is up to date when the change set has no changes', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE', { TableName: 'T' }));
    cfn.on(CreateChangeSetCommand).resolves({});
    cfn.on(DeleteChangeSetCommand).resolves({});
    cfn.on(DescribeChangeSetCommand).resolves({ Status: 'FAILED', StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set." });
    const lines: string[] = [];
    const outputs = await deployStack(pkg, 'PLLDB', { cloudFormation: client, bucket: memoryBucket(['aaa.zip', 'bbb.zip']), assetZip: async () => Buffer.alloc(0), info: (l) => lines.push(l), pollMs: 1 });
    expect(outputs).toEqual({ TableName: 'T' });
    expect(lines).toContain('PLLDB is up to date');
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.ChangeSetType).toBe('UPDATE');
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });

  it('reports a failed deployment with the first failed resource\'s reason', async () => {
    cfn.on(DescribeStacksCommand).rejectsOnce(missing).resolves(stack('ROLLBACK_COMPLETE'));
    cfn.on(CreateChangeSetCommand).resolves({});
    cfn.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE' });
    cfn.on(ExecuteChangeSetCommand).resolves({});
    cfn.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        { StackId: 's', EventId: '2', StackName: 'PLLDB', Timestamp: new Date(), LogicalResourceId: 'Role', ResourceStatus: 'DELETE_FAILED', ResourceStatusReason: 'later' },
        { StackId: 's', EventId: '1', StackName: 'PLLDB', Timestamp: new Date(), LogicalResourceId: 'Table', ResourceStatus: 'CREATE_FAILED', ResourceStatusReason: 'PLLDBDebugger already exists' },
      ],
    });
    const err = (await deployStack(pkg, 'PLLDB', { cloudFormation: client, bucket: memoryBucket(['aaa.zip', 'bbb.zip']), assetZip: async () => Buffer.alloc(0), info: () => undefined, pollMs: 1 }).catch((e: unknown) => e)) as CliError;
    expect(err.message).toBe('deploying PLLDB failed (ROLLBACK_COMPLETE): Table: PLLDBDebugger already exists');
    expect(err.hint).toContain('plldb destroy');
  });

  it('explains missing permissions on the change set', async () => {
    cfn.on(DescribeStacksCommand).rejects(missing);
    cfn.on(CreateChangeSetCommand).rejects(Object.assign(new Error('User: arn:aws:iam::1:user/x is not authorized to perform: cloudformation:CreateChangeSet'), { name: 'AccessDenied' }));
    const err = (await deployStack(pkg, 'PLLDB', { cloudFormation: client, bucket: memoryBucket(['aaa.zip', 'bbb.zip']), assetZip: async () => Buffer.alloc(0), info: () => undefined }).catch((e: unknown) => e)) as CliError;
    expect(err.message).toMatch(/^access denied while trying to create a change set for stack PLLDB/);
  });
});

describe('destroyStack', () => {
  it('says there is nothing to delete when the stack does not exist', async () => {
    cfn.on(DescribeStacksCommand).rejects(missing);
    expect(await destroyStack('PLLDB', { cloudFormation: client, info: () => undefined })).toBe(false);
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('deletes the stack and waits until it is gone', async () => {
    cfn.on(DescribeStacksCommand).resolvesOnce(stack('CREATE_COMPLETE')).resolvesOnce(stack('DELETE_IN_PROGRESS')).rejects(missing);
    cfn.on(DeleteStackCommand).resolves({});
    expect(await destroyStack('PLLDB', { cloudFormation: client, info: () => undefined, pollMs: 1 })).toBe(true);
  });
});

describe('the bootstrap bucket over S3 REST', () => {
  let server: Server;
  let endpoint: string;
  const requests: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
  let bucketExists = true;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.statusCode = !bucketExists ? 404 : req.method === 'HEAD' && req.url?.endsWith('.zip') ? 404 : 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  const bucket = () => s3AssetBucket({ bucket: bootstrapBucketName('123456789012', 'us-east-1'), account: '123456789012', region: 'us-east-1', credentials: async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret' }), endpoint });

  it('signs a PutObject with SigV4 and the payload hash', async () => {
    bucketExists = true;
    await bucket().put('abc.zip', Buffer.from('zip bytes'));
    const put = requests.at(-1);
    expect(put?.method).toBe('PUT');
    expect(put?.url).toBe('/cdk-hnb659fds-assets-123456789012-us-east-1/abc.zip');
    expect(put?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/us-east-1\/s3\/aws4_request/);
    expect(put?.headers['x-amz-content-sha256']).toBe(createHash('sha256').update('zip bytes').digest('hex'));
    expect(put?.body.toString()).toBe('zip bytes');
    expect(await bucket().has('abc.zip')).toBe(false);
  });

  it('a missing bucket means the account and region are not bootstrapped, and says what to run', async () => {
    bucketExists = false;
    const err = (await bucket().check().catch((e: unknown) => e)) as CliError;
    expect(err.message).toContain('not bootstrapped');
    expect(err.hint).toBe('run once: npx aws-cdk@2 bootstrap aws://123456789012/us-east-1');
  });
});

describe('zipFolder', () => {
  it('round-trips through unzip and keeps the executable bit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plldb-zip-'));
    try {
      mkdirSync(join(dir, 'src', 'bin'), { recursive: true });
      writeFileSync(join(dir, 'src', 'bin', 'bootstrap'), '#!/bin/sh\necho hi\n');
      chmodSync(join(dir, 'src', 'bin', 'bootstrap'), 0o755);
      writeFileSync(join(dir, 'src', 'a.txt'), 'x'.repeat(10_000));
      writeFileSync(join(dir, 'out.zip'), zipFolder(join(dir, 'src')));
      execFileSync('unzip', ['-q', join(dir, 'out.zip'), '-d', join(dir, 'unzipped')]);
      expect(readFileSync(join(dir, 'unzipped', 'a.txt'), 'utf8')).toBe('x'.repeat(10_000));
      expect(execFileSync(join(dir, 'unzipped', 'bin', 'bootstrap'), { encoding: 'utf8' })).toBe('hi\n');
      expect(zipFolder(join(dir, 'src')).equals(readFileSync(join(dir, 'out.zip')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('plldb deploy --dry-run', () => {
  it('writes the packaged template and asset list, with no AWS call', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plldb-root-'));
    try {
      mkdirSync(join(root, 'dist', 'stack'), { recursive: true });
      writeFileSync(join(root, 'dist', 'stack', 'template.json'), pkg.template);
      writeFileSync(join(root, 'dist', 'stack', 'assets.json'), JSON.stringify({ stackName: 'PLLDB', assets: pkg.assets }));
      await runDeploy({ stack: 'MyPLLDB', dryRun: true, out: join(root, 'out') }, root);
      expect(readFileSync(join(root, 'out', 'MyPLLDB.template.json'), 'utf8')).toBe(pkg.template);
      expect(JSON.parse(readFileSync(join(root, 'out', 'MyPLLDB.assets.json'), 'utf8'))).toEqual(pkg.assets);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('plldb deploy without AWS credentials', () => {
  const CREDENTIAL_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE'];

  it('says no credentials were found and how to configure them, before any change', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plldb-root-'));
    const saved = Object.fromEntries(CREDENTIAL_VARIABLES.map((name) => [name, process.env[name]]));
    try {
      mkdirSync(join(root, 'dist', 'stack'), { recursive: true });
      writeFileSync(join(root, 'dist', 'stack', 'template.json'), pkg.template);
      writeFileSync(join(root, 'dist', 'stack', 'assets.json'), JSON.stringify({ stackName: 'PLLDB', assets: pkg.assets }));
      for (const name of CREDENTIAL_VARIABLES) delete process.env[name];
      // No shared files and no instance metadata (which would be a call off this machine).
      Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: join(root, 'credentials'), AWS_CONFIG_FILE: join(root, 'config'), AWS_EC2_METADATA_DISABLED: 'true' });
      cfn.reset();
      const err = (await runDeploy({ stack: 'PLLDB', region: 'us-east-1', out: '' }, root).catch((e: unknown) => e)) as CliError;
      expect(err).toBeInstanceOf(CliError);
      expect(err.message).toBe('no AWS credentials found while trying to find your AWS account (sts:GetCallerIdentity)');
      expect(err.hint).toMatch(/^configure credentials \(aws configure, aws sso login, AWS_PROFILE or --profile\)/);
      expect(cfn.calls()).toEqual([]);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      rmSync(root, { recursive: true, force: true });
    }
  });
});
