import { describe, expect, it } from '@jest/globals';
import { isPrivateDnsForbidden, isUnreachable, reaching } from '../../runtime/src/aws/reachability.js';

/** What @smithy/node-http-handler throws when no connection opens within connectionTimeout (the VPC drops the packets). */
const connectTimeout = Object.assign(new Error('@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 2000 ms.'), { name: 'TimeoutError' });

describe('telling an unreachable endpoint from other failures', () => {
  it.each([
    ['a connection timeout', connectTimeout],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' })],
    ['an unresolvable name', Object.assign(new Error('getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com'), { code: 'ENOTFOUND' })],
  ])('counts %s as unreachable', (_what, err) => {
    expect(isUnreachable(err)).toBe(true);
  });

  it('does not count a service error or a slow response as unreachable', () => {
    expect(isUnreachable(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isUnreachable(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))).toBe(false);
  });

  it("tells the private-DNS endpoint's 403 from an IAM denial", () => {
    expect(isPrivateDnsForbidden(Object.assign(new Error('Forbidden'), { $metadata: { httpStatusCode: 403 } }))).toBe(true);
    const denied = Object.assign(new Error('User: arn:aws:sts::1:assumed-role/PLLDBDebuggerRole/x is not authorized to perform: execute-api:ManageConnections'), { $metadata: { httpStatusCode: 403 } });
    expect(isPrivateDnsForbidden(denied)).toBe(false);
  });

  it('names the endpoint and the fix, and passes other errors on unchanged', async () => {
    await expect(reaching('DynamoDB', () => Promise.reject(connectTimeout))).rejects.toMatchObject({ errorType: 'PLLDB.EndpointUnreachable', message: expect.stringMatching(/could not reach DynamoDB .*NAT gateway/) });
    const other = new Error('ValidationException');
    await expect(reaching('DynamoDB', () => Promise.reject(other))).rejects.toBe(other);
    await expect(reaching('SQS', async () => 'ok')).resolves.toBe('ok');
  });
});
