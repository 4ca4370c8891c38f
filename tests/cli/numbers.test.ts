import { describe, expect, it } from 'vitest';
import { durationOption } from '../../src/cli/numbers.js';

describe('durationOption', () => {
  it('reads seconds, and h/m/s parts in any combination', () => {
    expect(durationOption('--budget', '300')).toBe(300);
    expect(durationOption('--budget', '90s')).toBe(90);
    expect(durationOption('--budget', '20m')).toBe(1200);
    expect(durationOption('--budget', '1h30m')).toBe(5400);
    expect(durationOption('--budget', '1.5h')).toBe(5400);
    expect(durationOption('--budget', '2m30s')).toBe(150);
    expect(durationOption('--budget', undefined)).toBeUndefined();
  });

  it('refuses what is not a positive duration, quoting it as typed', () => {
    for (const bad of ['', '0', '-5m', '5 minutes', '5x', 'm', '1h-30m', 'NaN', 'Infinity']) {
      expect(() => durationOption('--budget', bad)).toThrow(`--budget ${JSON.stringify(bad)}: must be a positive duration, e.g. 300, 90s, 20m or 1h30m`);
    }
    expect(() => durationOption('--budget', ['5m', '6m'])).toThrow('--budget given 2 times (5m, 6m); give it once');
  });
});
