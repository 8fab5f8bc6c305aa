import { randomBytes, randomUUID } from 'node:crypto';

export const requestId = (): string => randomUUID();

/** Random upper-case letters and digits, like AWS access key ids and API ids. */
export function randomAlnum(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}
