/** A message or item that does not follow the contract; the message says what is wrong. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}
