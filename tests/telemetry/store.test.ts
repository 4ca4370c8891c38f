import { describe, expect, it } from 'vitest';
import { SampleStore } from '../../src/telemetry/store.js';
import type { Sample } from '../../src/telemetry/types.js';

const sample = (t: number, value: number, component?: string): Sample => ({ device: 'gpu0', quantity: 'power', t, value, ...(component ? { component } : {}) }) as Sample;

describe('SampleStore', () => {
  it('lists a device’s series with their quantity and component, and counts batches', () => {
    const s = new SampleStore();
    expect(s.version).toBe(0);
    s.add([sample(1, 100), sample(1, 99, 'average-1s'), { device: 'gpu1', quantity: 'temperature', t: 1, value: 50 } as Sample]);
    s.add([sample(2, 101)]);
    expect(s.version).toBe(2);
    expect(s.seriesOf('gpu0').map((x) => [x.quantity, x.component, x.series.length])).toEqual([
      ['power', undefined, 2],
      ['power', 'average-1s', 1],
    ]);
    expect(s.seriesOf('nope')).toEqual([]);
    expect(s.latest('gpu0', 'power')).toEqual({ t: 2, value: 101 });
  });

  it('keeps the retention window (and one sample before it), pruning in batches rather than every add', () => {
    const retention = 100;
    const s = new SampleStore(retention);
    for (let t = 0; t <= 1000; t++) {
      s.add([sample(t, t)]);
      const series = s.get('gpu0', 'power')!;
      // Never less than the window, never more than the window plus the pruning slack.
      expect(series.t[0]!).toBeLessThanOrEqual(Math.max(0, t - retention));
      expect(series.length).toBeLessThanOrEqual(retention * 1.1 + 2);
    }
  });
});
