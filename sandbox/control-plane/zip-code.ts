import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

// ZIP format (APPNOTE): the end-of-central-directory record points at the central directory, whose
// entries point at each file's local header.
const END_OF_CENTRAL = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;
const STORED = 0;
const DEFLATE = 8;

/** Extracts a function's deployment package (CreateFunction's Code.ZipFile) into `dir`, keeping Unix file modes. */
export function extractZip(zip: Buffer, dir: string): void {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== END_OF_CENTRAL) end--;
  if (end < 0) throw new Error('Code.ZipFile is not a ZIP archive');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL_HEADER) throw new Error('Code.ZipFile has a damaged central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const mode = (zip.readUInt32LE(at + 38) >>> 16) & 0o777;
    const localOffset = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    const target = normalize(join(dir, name));
    if (!target.startsWith(dir + sep)) throw new Error(`Code.ZipFile entry ${name} points outside the package`);
    if (name.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    if (method !== STORED && method !== DEFLATE) throw new Error(`Code.ZipFile entry ${name} uses compression method ${method}: use deflate`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, method === DEFLATE ? inflateRawSync(data) : data);
    if (mode) chmodSync(target, mode);
  }
}
