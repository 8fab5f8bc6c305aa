/** Epoch milliseconds with sub-millisecond precision (for latency figures measured in one process). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
