import type { RawResponse } from './dynalite-client.js';
import type { WireItem } from './stream-record.js';

/** How the front asks a write for the item as it was; `body` replaces the caller's request when set. */
export interface OldImageRequest {
  body?: Buffer;
  /** The caller did not ask for the old item: it comes out of the answer again. */
  strip: boolean;
}

/**
 * PutItem and DeleteItem can hand back the whole item as it was (`ReturnValues: ALL_OLD`): the
 * front asks for it to learn a write's before image without reading the item first.
 */
export function oldImageRequest(operation: string, input: Record<string, unknown>): OldImageRequest | undefined {
  if (operation !== 'PutItem' && operation !== 'DeleteItem') return undefined;
  const asked = input.ReturnValues ?? 'NONE';
  if (asked === 'ALL_OLD') return { strip: false };
  // Any other value is invalid for these operations: dynalite refuses it as the caller sent it.
  if (asked !== 'NONE') return undefined;
  return { body: Buffer.from(JSON.stringify({ ...input, ReturnValues: 'ALL_OLD' }), 'utf8'), strip: true };
}

/** The before image from a successful write's answer, and the answer as the caller asked for it. */
export function takeOldImage(request: OldImageRequest, response: RawResponse): { response: RawResponse; image: WireItem | undefined } {
  const output = JSON.parse(response.body.toString('utf8') || '{}') as { Attributes?: WireItem } & Record<string, unknown>;
  const image = output.Attributes;
  if (!request.strip) return { response, image };
  delete output.Attributes;
  // The body changed, so dynalite's checksum no longer applies.
  const { 'x-amz-crc32': _crc, ...headers } = response.headers;
  return { response: { status: response.status, headers, body: Buffer.from(JSON.stringify(output), 'utf8') }, image };
}
