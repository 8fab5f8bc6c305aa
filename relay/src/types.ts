import type { EncodedQueueMessage } from '../../protocol/index.js';

/** Where an invocation's queue is: the item holds its name or its full URL. */
export type QueueRef = { name: string } | { url: string };

/** The SQS edge. Errors are thrown as the SDK throws them; `errors.ts` classifies them. */
export interface QueueSender {
  getQueueUrl(name: string): Promise<string>;
  sendMessage(url: string, body: string): Promise<void>;
}

/** What a consistent read of the invocation's item says. */
export type InvocationState = { exists: false } | { exists: true; status: string | undefined };

/** The DynamoDB edge: a consistent read of the item's Status. */
export interface InvocationLookup {
  lookup(requestId: string): Promise<InvocationState>;
}

/** One structured log line. */
export type Log = (entry: Record<string, unknown>) => void;

/** Why a record is not relayed. */
export type SkipReason = 'unreadable' | 'remove' | 'no-new-image' | 'no-request-id' | 'not-answered' | 'finished' | 'no-queue';

/** What to do with one stream record. */
export type RecordPlan =
  | { action: 'skip'; reason: SkipReason }
  | {
      action: 'relay';
      requestId: string;
      queue: QueueRef;
      message: EncodedQueueMessage;
      /** When the record was written (epoch ms), if the stream said. */
      writtenAtMs: number | undefined;
    };
