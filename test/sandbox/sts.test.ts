import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ROLE_EXTERNAL_ID } from '../../protocol/index.js';
import { SandboxConditions } from '../../sandbox/latency.js';
import { StsService } from '../../sandbox/sts/sts-service.js';
import { sandboxClientConfig } from './sdk.js';

describe('sandbox STS (real SDK v3 client)', () => {
  const conditions = new SandboxConditions();
  const service = new StsService({ conditions });
  const roleArn = 'arn:aws:iam::123456789012:role/PLLDBDebuggerRole';
  let sts: STSClient;

  beforeAll(async () => {
    await service.start();
    sts = new STSClient(sandboxClientConfig(service.endpoint));
  });

  afterAll(async () => {
    sts.destroy();
    await service.stop();
  });

  it('assumes the debugger role with the ExternalId, and the credentials identify as that role', async () => {
    const before = Date.now();
    const { Credentials, AssumedRoleUser } = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'plldb-runtime', ExternalId: ROLE_EXTERNAL_ID, DurationSeconds: 900 }),
    );
    expect(Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(Credentials?.SecretAccessKey).toBeTruthy();
    expect(Credentials?.SessionToken).toBeTruthy();
    expect(Credentials?.Expiration?.getTime()).toBeGreaterThan(before + 890_000);
    expect(AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/PLLDBDebuggerRole/plldb-runtime');

    const asRole = new STSClient({
      ...sandboxClientConfig(service.endpoint),
      credentials: { accessKeyId: Credentials?.AccessKeyId as string, secretAccessKey: Credentials?.SecretAccessKey as string, sessionToken: Credentials?.SessionToken },
    });
    const identity = await asRole.send(new GetCallerIdentityCommand({}));
    asRole.destroy();
    expect(identity).toMatchObject({ Account: '123456789012', Arn: AssumedRoleUser?.Arn });
  });

  it('refuses an unknown role, a wrong ExternalId, and any call while the fault switch is on', async () => {
    const denied = { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } };
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/Nope', RoleSessionName: 's1', ExternalId: ROLE_EXTERNAL_ID }))).rejects.toMatchObject(denied);
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's1', ExternalId: 'wrong' }))).rejects.toMatchObject({
      ...denied,
      message: expect.stringContaining(`not authorized to perform: sts:AssumeRole on resource: ${roleArn}`),
    });
    conditions.failSts('AccessDenied');
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's1', ExternalId: ROLE_EXTERNAL_ID }))).rejects.toMatchObject(denied);
    conditions.failSts(undefined);
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's1', ExternalId: ROLE_EXTERNAL_ID }))).resolves.toBeDefined();
  });

  it('issues credentials with the configured lifetime', async () => {
    const short = new StsService({ credentialLifetimeSeconds: 5 });
    await short.start();
    const client = new STSClient(sandboxClientConfig(short.endpoint));
    try {
      const { Credentials } = await client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's2', ExternalId: ROLE_EXTERNAL_ID }));
      const lifetime = (Credentials?.Expiration?.getTime() ?? 0) - Date.now();
      expect(lifetime).toBeGreaterThan(2_000);
      expect(lifetime).toBeLessThanOrEqual(5_000);
    } finally {
      client.destroy();
      await short.stop();
    }
  });
});
