import { Attr, FINISHED_STATUSES } from './constants.js';

/**
 * Event-source-mapping filters (OR across the list) that let through only stream records in
 * which an answer has just been written: an answer attribute is present and the invocation is
 * not finished (the runtime's DELIVERED / TIMED_OUT / FAILED bookkeeping writes keep the answer
 * attributes, so they are excluded by status). `exists` only works on leaf nodes, hence the type
 * keys; numeric comparison of `StatusCode > 0` is not possible here, so the relay checks it.
 * Only the `dynamodb` key is filtered on (DynamoDB event source mappings support nothing else);
 * REMOVE records carry no NewImage, so they never match.
 */
export const ANSWER_FILTER_PATTERNS: readonly Record<string, unknown>[] = (
  [
    [Attr.ResponseCode, 'N'],
    [Attr.Error, 'S'],
    [Attr.StatusCode, 'N'],
    [Attr.ErrorMessage, 'S'],
  ] as const
).map(([attr, type]) => ({
  dynamodb: {
    NewImage: {
      [attr]: { [type]: [{ exists: true }] },
      [Attr.Status]: { S: [{ 'anything-but': [...FINISHED_STATUSES] }] },
    },
  },
}));

/** The same filters as the JSON strings `FilterCriteria.Filters[].Pattern` takes. */
export const ANSWER_FILTER_PATTERN_STRINGS: readonly string[] = ANSWER_FILTER_PATTERNS.map((p) => JSON.stringify(p));
