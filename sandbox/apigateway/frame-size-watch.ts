import type { Duplex } from 'node:stream';

/**
 * Reads the WebSocket frame headers a client sends and calls `onTooBig` at the first frame whose
 * payload passes `maxFrameBytes` (API Gateway closes such connections with 1009). Prepended to
 * the socket's listeners, so it runs before the `ws` parser delivers that frame.
 */
export function watchFrameSizes(socket: Duplex, maxFrameBytes: number, onTooBig: () => void): void {
  let header = Buffer.alloc(0);
  let skip = 0;
  const onData = (chunk: Buffer): void => {
    let data = chunk;
    while (data.length > 0) {
      if (skip > 0) {
        const n = Math.min(skip, data.length);
        skip -= n;
        data = data.subarray(n);
        continue;
      }
      header = Buffer.concat([header, data]);
      const frame = parseFrameHeader(header);
      if (!frame) return;
      if (frame.payloadLength > maxFrameBytes) {
        socket.off('data', onData);
        onTooBig();
        return;
      }
      data = header.subarray(frame.headerLength);
      header = Buffer.alloc(0);
      skip = frame.payloadLength;
    }
  };
  socket.prependListener('data', onData);
}

/** A frame header's length and payload length (RFC 6455 5.2), or undefined while incomplete. */
function parseFrameHeader(bytes: Buffer): { headerLength: number; payloadLength: number } | undefined {
  if (bytes.length < 2) return undefined;
  const second = bytes[1] as number;
  const len7 = second & 0x7f;
  const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  const headerLength = 2 + extended + ((second & 0x80) !== 0 ? 4 : 0);
  if (bytes.length < headerLength) return undefined;
  const payloadLength = len7 === 126 ? bytes.readUInt16BE(2) : len7 === 127 ? Number(bytes.readBigUInt64BE(2)) : len7;
  return { headerLength, payloadLength };
}
