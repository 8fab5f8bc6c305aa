import { startServer, type TestServer } from './http.js';

/** A minimal STS (query protocol): AssumeRole answers fixed credentials valid for an hour. */
export class StsEndpoint {
  readonly calls: URLSearchParams[] = [];
  /** When each call arrived (Date.now()). */
  readonly callAt: number[] = [];
  /** While set, AssumeRole answers only once this settles (a slow STS). */
  hold: Promise<void> | undefined;
  private server?: TestServer;

  get url(): string {
    return this.server?.url ?? '';
  }

  async start(): Promise<this> {
    this.server = await startServer(async (_req, body, res) => {
      const params = new URLSearchParams(body);
      this.calls.push(params);
      this.callAt.push(Date.now());
      await this.hold;
      const expiration = new Date(Date.now() + 3600_000).toISOString();
      const xml = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:${params.get('RoleSessionName')}</AssumedRoleId><Arn>${params.get('RoleArn')}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`;
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
      res.end(xml);
    });
    return this;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }
}
