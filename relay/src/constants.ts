/** SQS sends in flight at once within one batch: enough to overlap round trips, few enough not to trip SQS throttling. */
export const MAX_CONCURRENT_SENDS = 16;

/**
 * How long after a record was written a missing queue of a still-waiting invocation is retried
 * (the runtime may still be creating it). After that the record is dropped: the runtime's poll
 * arm still finds the answer in the item.
 */
export const QUEUE_MISSING_RETRY_WINDOW_MS = 60_000;

/** Queue URLs remembered across batches of one warm instance. */
export const QUEUE_URL_CACHE_SIZE = 1_000;
