import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash } from 'node:crypto';
import type { CredentialProvider } from '../aws/options.js';
import { CliError, explainAwsError } from '../errors.js';

/** The S3 calls deploy needs on the CDK bootstrap bucket. */
export interface AssetBucket {
  readonly name: string;
  /** Fails with what to run when the bucket is missing (account/region not bootstrapped) or not reachable. */
  check(): Promise<void>;
  has(key: string): Promise<boolean>;
  put(key: string, body: Buffer): Promise<void>;
  /** The object's https URL (CloudFormation's TemplateURL). */
  url(key: string): string;
}

/** The CDK bootstrap stack's default file-asset bucket (qualifier hnb659fds), which the synthesized template names. */
export function bootstrapBucketName(account: string, region: string): string {
  return `cdk-hnb659fds-assets-${account}-${region}`;
}

export interface S3BucketOptions {
  bucket: string;
  /** The account the bucket belongs to (named in the bootstrap hint). */
  account: string;
  region: string;
  credentials: CredentialProvider;
  /** AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (path-style addressing), else the regional virtual-hosted endpoint. */
  endpoint?: string;
  fetch?: typeof fetch;
}

/**
 * The bucket over S3's REST API, signed with SigV4 (HEAD bucket, HEAD object, PUT object): three
 * calls do not justify the S3 client as a dependency of the installed package.
 */
export function s3AssetBucket(options: S3BucketOptions): AssetBucket {
  const { bucket, region, credentials } = options;
  const doFetch = options.fetch ?? fetch;
  const signer = new SignatureV4({ service: 's3', region, credentials, sha256: Sha256 });
  const base = options.endpoint ? new URL(`${options.endpoint.replace(/\/$/, '')}/${bucket}/`) : new URL(`https://${bucket}.s3.${region}.amazonaws.com/`);
  const objectUrl = (key: string): URL => new URL(key.split('/').map(encodeURIComponent).join('/'), base);
  const call = async (method: 'HEAD' | 'PUT', key: string, body?: Buffer): Promise<Response> => {
    const url = objectUrl(key);
    const payloadHash = createHash('sha256').update(body ?? Buffer.alloc(0)).digest('hex');
    const request = new HttpRequest({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      headers: { host: url.host, 'x-amz-content-sha256': payloadHash, ...(body ? { 'content-length': String(body.length) } : {}) },
      ...(body ? { body } : {}),
    });
    const signed = await signer.sign(request).catch((err: unknown) => {
      throw explainAwsError(err, `sign a request to S3 bucket ${bucket}`);
    });
    try {
      return await doFetch(url, { method, headers: signed.headers, ...(body ? { body } : {}) });
    } catch (err) {
      throw explainAwsError((err as { cause?: unknown }).cause ?? err, `reach S3 bucket ${bucket}`);
    }
  };
  const denied = (what: string, status: number, text = ''): CliError =>
    new CliError(`S3 answered ${status} to ${what} in bucket ${bucket}${text ? `: ${text.slice(0, 200)}` : ''}`, 'deploying needs s3:GetObject/PutObject/ListBucket on the CDK bootstrap bucket (or the AdministratorAccess policy); use credentials that have them');
  return {
    name: bucket,
    async check() {
      const res = await call('HEAD', '');
      if (res.status === 404) {
        throw new CliError(`the CDK bootstrap bucket ${bucket} does not exist: this account and region are not bootstrapped for CDK`, `run once: npx aws-cdk@2 bootstrap aws://${options.account}/${region}`);
      }
      if (res.status === 301 || res.status === 400) throw new CliError(`the bucket ${bucket} is not in ${region}`, 'pass the --region the account was bootstrapped in');
      if (!res.ok) throw denied('HeadBucket', res.status);
    },
    async has(key) {
      const res = await call('HEAD', key);
      if (res.ok) return true;
      // Without s3:ListBucket a missing object answers 403, not 404: upload it then.
      if (res.status === 404 || res.status === 403) return false;
      throw denied(`HeadObject ${key}`, res.status);
    },
    url: (key) => objectUrl(key).toString(),
    async put(key, body) {
      const res = await call('PUT', key, body);
      if (!res.ok) throw denied(`PutObject ${key}`, res.status, await res.text());
    },
  };
}
