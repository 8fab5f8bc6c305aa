import { randomBytes } from 'node:crypto';
import { QUEUE_NAME_MAX_LENGTH } from './constants.js';

const SUFFIX_LENGTH = 8;

/**
 * The invocation's queue name: prefix + request id (characters SQS refuses replaced by `_`)
 * + a random suffix, because SQS refuses to re-create a name deleted less than 60 s ago and
 * Lambda retries an invocation with the same request id.
 */
export function queueNameFor(prefix: string, requestId: string, suffix: string = randomSuffix()): string {
  if (!/^[A-Za-z0-9_-]*$/.test(prefix)) {
    throw new RangeError(`queue prefix "${prefix}" may contain only letters, digits, "-" and "_"`);
  }
  const room = QUEUE_NAME_MAX_LENGTH - prefix.length - suffix.length - 1;
  if (room < 1) {
    throw new RangeError(`queue prefix "${prefix}" is too long: at most ${QUEUE_NAME_MAX_LENGTH - SUFFIX_LENGTH - 2} characters`);
  }
  const safeId = requestId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, room);
  return `${prefix}${safeId}-${suffix}`;
}

/**
 * The request id a queue was named after, or undefined when the name is not `prefix + id + "-" + suffix`.
 * Lambda's request ids (UUIDs) survive the naming unchanged.
 */
export function requestIdOfQueue(prefix: string, queueName: string): string | undefined {
  const id = queueName.startsWith(prefix) ? queueName.slice(prefix.length, queueName.length - SUFFIX_LENGTH - 1) : '';
  return id !== '' && queueName.charAt(prefix.length + id.length) === '-' ? id : undefined;
}

function randomSuffix(): string {
  return randomBytes(SUFFIX_LENGTH).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x').slice(0, SUFFIX_LENGTH);
}
