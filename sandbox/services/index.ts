/** The sandbox's AWS service stand-ins, for the lead's composition in sandbox/index.ts. */
export { SandboxConditions, sleep, type DynamoDbThrottleKind, type SandboxConditionsOptions } from '../latency.js';
export { DynamoDbService, type DynamoDbServiceOptions } from '../dynamodb/dynamodb-service.js';
export { createPlldbTable } from '../dynamodb/plldb-table.js';
export { StreamLog, type CapturedRecord } from '../dynamodb/stream-log.js';
export type { StreamRecord, StreamViewType, WireAttributeValue, WireItem } from '../dynamodb/stream-record.js';
export {
  EventSourceMapping,
  type BatchResponse,
  type DynamoDbStreamEvent,
  type EventSourceMappingOptions,
  type EventSourceMappingStats,
} from '../event-source-mapping.js';
export { SqsService, type SqsServiceOptions } from '../sqs/sqs-service.js';
export { StsService, type StsRole, type StsServiceOptions } from '../sts/sts-service.js';
export { WebSocketApi, type InvokeRoute, type WebSocketApiOptions } from '../apigateway/websocket-api.js';
export type { RouteKey } from '../apigateway/events.js';
