import type { IncomingMessage } from 'node:http';

/**
 * The access key id a SigV4-signed request names (Authorization header or presigned query).
 * The sandbox does not verify signatures: it accepts any credentials.
 */
export function accessKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const fromHeader = /Credential=([^/,\s]+)\//.exec(header)?.[1];
  if (fromHeader) return fromHeader;
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('X-Amz-Credential');
  return query?.split('/')[0] || undefined;
}
