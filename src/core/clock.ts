/**
 * The one monotonic clock every timestamp in a run uses: CLOCK_MONOTONIC
 * through process.hrtime, which is the same clock in every worker thread
 * (performance.now() is not: each thread has its own time origin).
 */

/** Now, in nanoseconds on the monotonic clock, as a Number (exact to 2^53 ns ≈ 104 days of uptime; 4 ns granularity after a year). */
export function monotonicNs(): number {
  return Number(process.hrtime.bigint());
}

/** Seconds between two monotonic timestamps in nanoseconds. */
export function secondsBetween(startNs: number, endNs: number): number {
  return (endNs - startNs) / 1e9;
}

/** A promise that resolves after `seconds`, or rejects early if the signal aborts. */
export function sleep(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, seconds * 1000));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
