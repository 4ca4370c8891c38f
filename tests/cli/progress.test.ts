import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgressDisplay } from '../../src/cli/progress.js';
import type { PlannedItem } from '../../src/measure/suite.js';

const items: PlannedItem[] = [
  { index: 0, id: 'cpu0/gemm/n=256', device: 'cpu0', estimateSeconds: 5 },
  { index: 1, id: 'cpu0/reduce/n=8388608', device: 'cpu0', estimateSeconds: 5 },
];

/** The display's last drawn line. */
function lastLine(out: PassThrough): string {
  const text = String(out.read() ?? '');
  return text.split('\r\x1b[2K').filter(Boolean).pop() ?? '';
}

describe('ProgressDisplay', () => {
  it('in a budgeted run, counts the time left down to the plan’s end, whatever the items’ own estimates', () => {
    const out = new PassThrough();
    // Started 100 s ago with a plan ending at 300 s: 200 s left (the items' estimates would say 10 s).
    const display = new ProgressDisplay(out, Date.now() - 100_000);
    display.handle({ type: 'plan', items, preset: 'quick', budget: { budgetSeconds: 300, preset: 'quick', estimateSeconds: 300, measureSeconds: 4, leftOut: [] } });
    display.handle({ type: 'start', item: items[0]! });
    const line = lastLine(out);
    display.stop();
    expect(line).toMatch(/^\[1\/2\] 1 m 40 s, ~3 m 20 s left · cpu0\/gemm\/n=256 · starting$/);
  });

  it('in a preset run, counts the items’ estimates', () => {
    const out = new PassThrough();
    const display = new ProgressDisplay(out);
    display.handle({ type: 'plan', items, preset: 'quick', budget: null });
    display.handle({ type: 'start', item: items[0]! });
    const line = lastLine(out);
    display.stop();
    expect(line).toMatch(/^\[1\/2\] [^,]+, ~10\.0 s left · cpu0\/gemm\/n=256 · starting$/);
  });

  it('in an interleaved run, counts each item’s time left from the time it has had so far', () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
    const out = new PassThrough();
    const display = new ProgressDisplay(out);
    display.handle({ type: 'plan', items, preset: 'quick', budget: null });
    display.handle({ type: 'start', item: items[0]! });
    vi.setSystemTime(1_002_000);
    display.handle({ type: 'start', item: items[1]! });
    vi.setSystemTime(1_003_000);
    display.handle({ type: 'start', item: items[0]!, resumed: true });
    vi.setSystemTime(1_003_500);
    display.handle({ type: 'phase', item: items[0]!, event: { phase: 'warmup' } });
    const line = lastLine(out);
    display.stop();
    // gemm has had 2 + 0.5 s of its 5, reduce 1 s of its 5: 2.5 + 4 s left.
    expect(line).toMatch(/^\[1\/2\] [^,]+, ~6\.5 s left · cpu0\/gemm\/n=256 · warmup$/);
  });
});

afterEach(() => vi.useRealTimers());
