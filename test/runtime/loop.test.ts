import { describe, expect, it } from '@jest/globals';
import { runLoops } from '../../runtime/src/loop.js';
import type { NextInvocation } from '../../runtime/src/runtime-api/client.js';

describe('runLoops', () => {
  it('keeps AWS_LAMBDA_MAX_CONCURRENCY invocations in flight at once', async () => {
    const controller = new AbortController();
    let open = 0;
    let maxOpen = 0;
    let handled = 0;
    const releases: (() => void)[] = [];
    await runLoops({
      concurrency: 3,
      signal: controller.signal,
      logger: { log: () => undefined },
      next: async (): Promise<NextInvocation> => ({ requestId: `r${handled}`, headers: {}, body: '{}' }),
      handle: () =>
        new Promise<void>((resolve) => {
          open++;
          maxOpen = Math.max(maxOpen, open);
          releases.push(() => {
            open--;
            handled++;
            if (handled === 7) controller.abort();
            resolve();
          });
          if (releases.length === 3) for (const release of releases.splice(0)) setImmediate(release);
        }),
    });
    expect(maxOpen).toBe(3);
    expect(handled).toBe(9);
  });

  it('goes on after a failed /next and after a handler defect', async () => {
    const controller = new AbortController();
    const logged: string[] = [];
    let calls = 0;
    await runLoops({
      concurrency: 1,
      signal: controller.signal,
      logger: { log: (_l, event) => logged.push(event) },
      next: async () => {
        if (++calls === 1) throw new Error('connection reset');
        return { requestId: 'r', headers: {}, body: '{}' };
      },
      handle: async () => {
        if (calls === 2) throw new Error('defect');
        controller.abort();
      },
    });
    expect(logged).toEqual(['next_failed', 'invocation_crashed']);
    expect(calls).toBe(3);
  });
});
