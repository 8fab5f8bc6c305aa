import type { DetachResult } from './attacher.js';

/** The one line `plldb detach` and `plldb debug` print for a detach. */
export function describeDetach(result: DetachResult): string {
  if (result.status === 'restored') {
    return result.kept.length > 0 ? `detached ${result.functionName}: PLLDB's additions removed; kept ${result.kept.join(', ')}` : `detached ${result.functionName}: configuration restored`;
  }
  if (result.status === 'gone') return `${result.functionName} no longer exists: its local record is dropped`;
  if (result.status === 'not-ours') return `${result.functionName} is now held by session ${result.owner.sessionId}: left to it`;
  return `${result.functionName} is not attached: nothing to do`;
}
