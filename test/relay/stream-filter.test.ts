import { describe, expect, it } from '@jest/globals';
import { ANSWER_FILTER_PATTERNS, ANSWER_FILTER_PATTERN_STRINGS } from '../../protocol/index.js';
import { matchesAnyFilter } from '../../protocol/event-pattern.js';
import { FIXTURES, loadRecord } from './fixtures.js';
import type { FixtureName } from './fixtures.js';

/** Which fixtures carry an answer the relay must see. */
const ADMITTED: Record<FixtureName, boolean> = {
  'insert-pending': false, // the runtime's own PutItem
  'modify-responded': true, // the $default route's answer
  'modify-responded-error': true,
  'modify-upstream-pending': true, // a foreign (upstream PLLDB) writer: StatusCode, Status left PENDING
  'modify-upstream-error-pending': true,
  // Filters cannot compare N strings numerically, so StatusCode 0 gets through; the relay skips it.
  'modify-upstream-statuscode-zero': true,
  'modify-delivered': false, // runtime bookkeeping that still carries ResponseCode
  'modify-timed-out': false,
  'modify-failed': false,
  'remove-ttl': false,
  'insert-answered-queue-url': true,
};

describe('the answer filter patterns from protocol/', () => {
  it.each(FIXTURES)('%s', (name) => {
    expect(matchesAnyFilter(ANSWER_FILTER_PATTERN_STRINGS, loadRecord(name))).toBe(ADMITTED[name]);
  });

  it('stay within what a DynamoDB event source mapping accepts', () => {
    // At most 5 filters per mapping, each pattern at most 4096 characters, filtering only on `dynamodb`.
    expect(ANSWER_FILTER_PATTERN_STRINGS.length).toBeLessThanOrEqual(5);
    for (const text of ANSWER_FILTER_PATTERN_STRINGS) expect(text.length).toBeLessThanOrEqual(4096);
    for (const pattern of ANSWER_FILTER_PATTERNS) expect(Object.keys(pattern)).toEqual(['dynamodb']);
  });
});
