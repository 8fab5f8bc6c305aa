import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CredentialProvider } from '../aws/options.js';

/** How long the presigned URL may be used to open the connection. */
const PRESIGN_EXPIRES_SECONDS = 60;

/** The region of an `execute-api` hostname (`{api}.execute-api.{region}.amazonaws.com`), if it is one. */
function regionOfApiHost(hostname: string): string | undefined {
  return /^[^.]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(hostname)?.[1];
}

/**
 * The WebSocket URL with a SigV4 query-string signature (service `execute-api`), which is how a
 * client authenticates to a WebSocket API with IAM authorization. Local stand-ins take the same.
 */
export async function presignWebSocketUrl(url: string, region: string, credentials: CredentialProvider, now: Date = new Date()): Promise<string> {
  const u = new URL(url);
  const query: Record<string, string> = {};
  u.searchParams.forEach((value, key) => (query[key] = value));
  const request = new HttpRequest({
    method: 'GET',
    protocol: u.protocol,
    hostname: u.hostname,
    ...(u.port ? { port: Number(u.port) } : {}),
    path: u.pathname || '/',
    query,
    headers: { host: u.host },
  });
  const signer = new SignatureV4({ service: 'execute-api', region: regionOfApiHost(u.hostname) ?? region, credentials, sha256: Sha256 });
  const signed = await signer.presign(request, { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: now });
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(signed.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== null && v !== undefined) params.append(key, v);
  }
  return `${u.protocol}//${u.host}${u.pathname}?${params.toString()}`;
}
