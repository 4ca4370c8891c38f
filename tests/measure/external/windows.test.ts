import { describe, expect, it } from 'vitest';
import { countWork, joinEmpty, spans, spreadTotal } from '../../../src/measure/external/windows.js';

const S = 1e9;

describe('an external run cut into windows', () => {
  it('cuts at the window length, the remainder in the last window', () => {
    expect(spans(0, 3.5 * S, 1).map((s) => [s.startNs / S, s.endNs / S])).toEqual([[0, 1], [1, 2], [2, 3.5]]);
    expect(spans(0, 0.4 * S, 1)).toHaveLength(1);
    // Half of the run asked for: two spans, whatever the rounding.
    const d = 0.3 * S + 1;
    expect(spans(0, d, d / S / 2)).toHaveLength(2);
  });

  it('counts each event in the window it arrived in; one at the very end in the last', () => {
    const out = countWork(spans(0, 3 * S, 1), [
      { tNs: 0, units: 1 },
      { tNs: 0.999 * S, units: 2 },
      { tNs: 1 * S, units: 4 },
      { tNs: 3 * S, units: 8 },
      { tNs: 3.1 * S, units: 16 },
    ]);
    expect(out.map((s) => s.units)).toEqual([3, 4, 8]);
  });

  it('joins a window without work to the next, the last one to the one before', () => {
    const joined = joinEmpty([
      { startNs: 0, endNs: 1, units: 0 },
      { startNs: 1, endNs: 2, units: 5 },
      { startNs: 2, endNs: 3, units: 6 },
      { startNs: 3, endNs: 4, units: 0 },
      { startNs: 4, endNs: 5, units: 0 },
    ]);
    expect(joined).toEqual([
      { startNs: 0, endNs: 2, units: 5 },
      { startNs: 2, endNs: 5, units: 6 },
    ]);
    expect(joinEmpty([{ startNs: 0, endNs: 1, units: 0 }])).toEqual([]);
  });

  it('spreads a total over the windows by their length, in whole units that add up', () => {
    // 10 units over 1 s, 1 s and 1.5 s: 2.857…, 2.857…, 4.285… → 3, 3, 4 (largest remainders).
    const out = spreadTotal(spans(0, 3.5 * S, 1), 10);
    expect(out.map((s) => s.units)).toEqual([3, 3, 4]);
  });
});
