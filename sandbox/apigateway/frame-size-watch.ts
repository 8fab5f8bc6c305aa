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
      data = Buffer.alloc(0);
      if (header.length < 2) return;
      const len7 = (header[1] as number) & 0x7f;
      const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
      const headerLength = 2 + extended + (((header[1] as number) & 0x80) !== 0 ? 4 : 0);
      if (header.length < headerLength) return;
      const length = len7 === 126 ? header.readUInt16BE(2) : len7 === 127 ? Number(header.readBigUInt64BE(2)) : len7;
      if (length > maxFrameBytes) {
        socket.off('data', onData);
        onTooBig();
        return;
      }
      data = header.subarray(headerLength);
      header = Buffer.alloc(0);
      skip = length;
    }
  };
  socket.prependListener('data', onData);
}
