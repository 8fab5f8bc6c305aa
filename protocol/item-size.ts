/**
 * DynamoDB's size of an item (developer guide, "DynamoDB item sizes and formats"): the UTF-8
 * bytes of every attribute name plus its value; binary counts its raw bytes; a list or map adds
 * 3 bytes and 1 per element. Numbers are counted generously (21 bytes: 38 digits at 2 a byte, plus 1).
 */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return 21;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + value.reduce((n: number, v) => n + 1 + valueSize(v), 0);
  if (typeof value === 'object' && value !== null) return 3 + itemSize(value as Record<string, unknown>) + Object.keys(value).length;
  return 1;
}
