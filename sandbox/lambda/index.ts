export { FunctionHost, type FunctionHostOptions } from './function-host.js';
export { RuntimeApiServer, RESPONSE_PAYLOAD_LIMIT_BYTES, type RuntimeApiListener, type RuntimeInvocation, type RuntimeOutcome } from './runtime-api-server.js';
export { LambdaServiceError } from './errors.js';
export type * from './types.js';
