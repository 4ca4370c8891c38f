import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { parseSchedule, Scheduler, type ScheduleEntry } from '../../src/exporter/schedule.js';

const PROBES = ['stream', 'gemm', 'reduce'];

describe('parseSchedule', () => {
  it('reads "probes every interval" entries separated by semicolons', () => {
    expect(parseSchedule('stream,gemm every 15m; reduce every 1h', PROBES)).toEqual([
      { probes: ['stream', 'gemm'], everySeconds: 900, text: 'stream,gemm every 15m' },
      { probes: ['reduce'], everySeconds: 3600, text: 'reduce every 1h' },
    ]);
    expect(parseSchedule('gemm every 90s', PROBES)[0]!.everySeconds).toBe(90);
    expect(parseSchedule('gemm every 1.5d', PROBES)[0]!.everySeconds).toBe(129600);
  });

  it('rejects unknown probes (listing the valid ones), bad syntax and intervals under a minute', () => {
    expect(() => parseSchedule('stream,nope every 15m', PROBES)).toThrow(/unknown probe nope; valid: stream, gemm, reduce/);
    expect(() => parseSchedule('stream each 15m', PROBES)).toThrow(UsageError);
    expect(() => parseSchedule('stream every 15 fortnights', PROBES)).toThrow(/expected "<probe>/);
    expect(() => parseSchedule('stream every 30s', PROBES)).toThrow(/at least 1m/);
  });
});

describe('Scheduler', () => {
  it('runs each entry soon after start, one at a time, a due entry waiting for the running one', async () => {
    const entries: ScheduleEntry[] = [
      { probes: ['stream'], everySeconds: 3600, text: 'a' },
      { probes: ['gemm'], everySeconds: 3600, text: 'b' },
    ];
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const s = new Scheduler(
      entries,
      async (e) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        log.push(`start ${e.text}`);
        await new Promise((r) => setTimeout(r, 50));
        log.push(`end ${e.text}`);
        running--;
      },
      0.01,
    );
    s.start();
    await new Promise((r) => setTimeout(r, 300));
    s.stop();
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
    expect(maxRunning).toBe(1);
  });

  it('keeps going after a run fails, and runs nothing once stopped', async () => {
    const e: ScheduleEntry = { probes: ['stream'], everySeconds: 0.05, text: 'x' };
    let calls = 0;
    const s = new Scheduler(
      [e],
      async () => {
        calls++;
        throw new Error('device lost');
      },
      0.01,
    );
    s.start();
    await new Promise((r) => setTimeout(r, 180));
    s.stop();
    const seen = calls;
    expect(seen).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 150));
    expect(calls).toBe(seen);
  });
});
