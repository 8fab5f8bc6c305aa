import {
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_ROLE_NAME,
  DEFAULT_STACK_NAME,
  DEFAULT_TABLE_NAME,
  DEFAULT_WEBSOCKET_API_NAME,
} from '../../protocol/index.js';

/** The names one helper stack gives its resources; a prefix keeps a second stack apart. */
export interface StackNames {
  stackName: string;
  tableName: string;
  roleName: string;
  webSocketApiName: string;
  queuePrefix: string;
  /** Prefix for the other named resources (layers). */
  resourcePrefix: string;
}

/** Letters and digits only: the prefix lands in table, role, layer and queue names. */
const PREFIX_PATTERN = /^[A-Za-z][A-Za-z0-9]{0,15}$/;

export function stackNames(prefix = ''): StackNames {
  if (prefix !== '' && !PREFIX_PATTERN.test(prefix)) {
    throw new RangeError(`stack prefix "${prefix}" must start with a letter and have at most 16 letters or digits, e.g. "Dev"`);
  }
  return {
    stackName: `${prefix}${DEFAULT_STACK_NAME}`,
    tableName: `${prefix}${DEFAULT_TABLE_NAME}`,
    roleName: `${prefix}${DEFAULT_ROLE_NAME}`,
    webSocketApiName: `${prefix}${DEFAULT_WEBSOCKET_API_NAME}`,
    // A prefixed stack's queues must not start with the default prefix, or the default stack's role and sweeper would reach them.
    queuePrefix: prefix === '' ? DEFAULT_QUEUE_PREFIX : `${prefix.toLowerCase()}-${DEFAULT_QUEUE_PREFIX}`,
    resourcePrefix: `${prefix}PLLDB`,
  };
}
