import { describe, expect, it } from '@jest/globals';
import { RoleCredentials, defaultRoleArn, roleSessionName } from '../../runtime/src/aws/credentials.js';
import { sessionPolicy } from '../../runtime/src/aws/session-policy.js';
import type { TemporaryCredentials } from '../../runtime/src/aws/ports.js';

const HOUR = 3600_000;

function fakeAssumer(now: () => number) {
  const calls: string[] = [];
  return {
    calls,
    assume: async (roleArn: string): Promise<TemporaryCredentials> => {
      calls.push(roleArn);
      return { accessKeyId: `key-${calls.length}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(now() + HOUR) };
    },
  };
}

describe('RoleCredentials', () => {
  it('assumes once for concurrent callers and reuses the credentials', async () => {
    let now = 0;
    const assumer = fakeAssumer(() => now);
    const creds = new RoleCredentials(assumer, 'arn:aws:iam::111122223333:role/R', () => now);
    const [a, b] = await Promise.all([creds.provide(), creds.provide()]);
    now += 30 * 60_000;
    const c = await creds.provide();
    expect(assumer.calls).toEqual(['arn:aws:iam::111122223333:role/R']);
    expect([a.accessKeyId, b.accessKeyId, c.accessKeyId]).toEqual(['key-1', 'key-1', 'key-1']);
  });

  it('refreshes before the credentials expire', async () => {
    let now = 0;
    const assumer = fakeAssumer(() => now);
    const creds = new RoleCredentials(assumer, 'arn:aws:iam::111122223333:role/R', () => now);
    await creds.provide();
    now += HOUR - 4 * 60_000;
    expect((await creds.provide()).accessKeyId).toBe('key-2');
  });

  it('takes the role from the invoked function ARN when none is configured, and keeps a configured one', async () => {
    const assumer = fakeAssumer(() => 0);
    const derived = new RoleCredentials(assumer, undefined);
    derived.useRoleOf('arn:aws-cn:lambda:cn-north-1:111122223333:function:f:alias');
    await derived.provide();
    const configured = new RoleCredentials(assumer, 'arn:aws:iam::999999999999:role/Mine');
    configured.useRoleOf('arn:aws:lambda:us-east-1:111122223333:function:f');
    await configured.provide();
    expect(assumer.calls).toEqual(['arn:aws-cn:iam::111122223333:role/PLLDBDebuggerRole', 'arn:aws:iam::999999999999:role/Mine']);
  });

  it('refuses an ARN it cannot read an account from', () => {
    expect(() => defaultRoleArn('not-an-arn')).toThrow(/set PLLDB_DEBUGGER_ROLE_ARN/);
  });

  it('makes a valid role session name from any function name', () => {
    expect(roleSessionName('my function!'.repeat(10))).toMatch(/^plldb-[\w+=,.@-]{1,58}$/);
  });
});

describe('the session policy passed at AssumeRole', () => {
  it('allows the runtime\'s table and queue calls, and PostToConnection / GetConnection on its own connection only', () => {
    expect(JSON.parse(sessionPolicy('arn:aws:iam::111122223333:role/PLLDBDebuggerRole', 'eu-west-1', 'L0SM9cOFvHcCIhw='))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'sqs:CreateQueue', 'sqs:ReceiveMessage', 'sqs:DeleteQueue'],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: ['execute-api:ManageConnections'],
          Resource: ['arn:aws:execute-api:eu-west-1:111122223333:*/*/POST/@connections/L0SM9cOFvHcCIhw=', 'arn:aws:execute-api:eu-west-1:111122223333:*/*/GET/@connections/L0SM9cOFvHcCIhw='],
        },
      ],
    });
  });

  it('keeps the partition of the role (other AWS partitions)', () => {
    expect(sessionPolicy('arn:aws-cn:iam::111122223333:role/R', 'cn-north-1', 'c')).toContain('"arn:aws-cn:execute-api:cn-north-1:111122223333:*/*/POST/@connections/c"');
  });

  it('fits the 2,048 characters STS allows for a session policy', () => {
    expect(sessionPolicy('arn:aws:iam::111122223333:role/PLLDBDebuggerRole', 'ap-southeast-2', 'x'.repeat(40)).length).toBeLessThan(2048);
  });
});
