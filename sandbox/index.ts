/** The sandbox's one programmatic API (tests, the demo, the benchmark): `startSandbox()`. */
export { Sandbox, startSandbox, type FastPathControls, type RelayControls, type SandboxEndpoints, type SandboxOptions } from './sandbox.js';
export { preciseNow } from './common/clock.js';
export type { AwsRequestRecord, InstanceTimestamps, InvocationTimestamps, MetricsSnapshot } from './metrics.js';
export { RELAY_FUNCTION_NAME, ROUTES_FUNCTION_NAME } from './system-functions.js';
export { SANDBOX_ACCOUNT_ID, SANDBOX_CREDENTIALS, SANDBOX_LAYERS, SANDBOX_REGION, SANDBOX_STACK_NAME } from './constants.js';
export { SandboxConditions, type DynamoDbThrottleKind } from './latency.js';
export type { FunctionDefinition, InstanceInfo, InvokeOptions, InvokeResult, LogEntry, LogHook, RuntimeEvent } from './lambda/types.js';
export type { FunctionHost } from './lambda/function-host.js';
