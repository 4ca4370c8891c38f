/**
 * The health state machine: a change comes out once per change of the failing
 * reads (never once per read), "lost" wins over "degraded", and recovery is
 * one more change.
 */
import { describe, expect, it } from 'vitest';
import { describeHealthChange, healthNotes, HealthTracker, type SensorError } from '../../src/telemetry/health.js';

const GPU = 'nvidia:0000:10:00.0';
const unknown: SensorError = { code: 999, message: 'nvmlDeviceGetTemperature failed: NVML_ERROR_999 (999): Unknown Error', lost: false };
const lost: SensorError = { code: 15, message: 'nvmlDeviceGetPowerUsage failed: NVML_ERROR_15 (15): GPU is lost', lost: true };

/** Runs `cycles` read cycles of the device with the same outcome, returning the changes they produced. */
function cycles(t: HealthTracker, n: number, failures: Record<string, SensorError>, sensors = ['temperature', 'power', 'clock']): number {
  let changes = 0;
  for (let i = 0; i < n; i++) {
    for (const s of sensors) t.record(GPU, s, failures[s] ?? null);
    if (t.commit(GPU, 1_000 + i)) changes++;
  }
  return changes;
}

describe('device health', () => {
  it('stays ok without a change while every read works', () => {
    const t = new HealthTracker();
    expect(cycles(t, 20, {})).toBe(0);
    expect(t.state(GPU)).toBe('ok');
    expect(t.reason(GPU)).toBe('');
    expect(t.drain()).toEqual([]);
  });

  it('changes once when a read starts failing, however many reads fail the same way, and once when it recovers', () => {
    const t = new HealthTracker();
    cycles(t, 3, {});
    expect(cycles(t, 50, { temperature: unknown })).toBe(1);
    expect(t.state(GPU)).toBe('degraded');
    expect(t.reason(GPU)).toBe(`temperature: ${unknown.message}`);
    expect(cycles(t, 50, {})).toBe(1);
    const changes = t.drain();
    expect(changes.map((c) => [c.previous, c.state])).toEqual([
      ['ok', 'degraded'],
      ['degraded', 'ok'],
    ]);
    expect(changes.map(describeHealthChange)).toEqual([`device ${GPU} degraded: temperature: ${unknown.message}`, `device ${GPU} ok again (was degraded)`]);
    expect(t.drain()).toEqual([]);
  });

  it('changes when another read fails or the error’s code changes, and says "lost" when the driver does', () => {
    const t = new HealthTracker();
    cycles(t, 1, { temperature: unknown });
    cycles(t, 5, { temperature: unknown, power: unknown });
    cycles(t, 5, { temperature: unknown, power: lost });
    expect(t.state(GPU)).toBe('lost');
    expect(t.reason(GPU)).toBe(`power: ${lost.message}; temperature: ${unknown.message}`);
    expect(t.drain().map((c) => c.state)).toEqual(['degraded', 'degraded', 'lost']);
  });

  it('keeps the last status of a sensor not read in a cycle (one read less often than the others)', () => {
    const t = new HealthTracker();
    t.record(GPU, 'ecc', unknown);
    t.commit(GPU);
    for (let i = 0; i < 10; i++) {
      t.record(GPU, 'temperature', null);
      expect(t.commit(GPU)).toBeNull();
    }
    expect(t.state(GPU)).toBe('degraded');
    t.record(GPU, 'ecc', null);
    expect(t.commit(GPU)).toMatchObject({ state: 'ok', previous: 'degraded', reason: '' });
  });

  it('notes on a report only the changes since its run started, with their times', () => {
    const t = new HealthTracker();
    cycles(t, 1, { clock: unknown });
    t.record(GPU, 'clock', null);
    t.commit(GPU, Date.UTC(2026, 0, 1, 12));
    const all = t.drain();
    expect(healthNotes(all, Date.UTC(2026, 0, 1))).toEqual([`health at 2026-01-01T12:00:00.000Z: device ${GPU} ok again (was degraded)`]);
  });
});
