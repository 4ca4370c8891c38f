import { describe, expect, it } from 'vitest';
import { ProcessLedger, type ProcessActivity } from '../../src/telemetry/process-ledger.js';

const S = 1e9;
const proc = (pid: number, activity: number, command = `p${pid}`): ProcessActivity => ({ identity: { pid, command, containerId: '', podUid: '' }, activity });

describe('energy per process: the split', () => {
  it('splits the whole energy by activity share while the idle power is not known, and says so', () => {
    const l = new ProcessLedger('gpu', 'sm', 60 * S);
    l.account(300, 1, [proc(1, 60), proc(2, 20), proc(3, 0)], 1 * S);
    const s = l.snapshot();
    expect(s.idleWatts).toBeNull();
    expect(s.idleSource).toBeNull();
    // 300 J by 60 : 20 : 0 → 225, 75, 0.
    expect(s.processes.map((p) => [p.pid, p.energyJoules, p.powerWatts])).toEqual([
      [1, 225, 225],
      [2, 75, 75],
      [3, 0, 0],
    ]);
    expect(s.idleJoules + s.unattributedJoules).toBe(0);
  });

  it('learns the idle power from periods with no activity, then splits only the energy above it', () => {
    const l = new ProcessLedger('gpu', 'sm', 60 * S);
    // Three seconds with a process listed but idle: 100 W, all idle, and enough to know the idle power.
    for (let t = 1; t <= 3; t++) l.account(100, 1, [proc(1, 0)], t * S);
    expect(l.idle()).toEqual({ watts: 100, source: 'learnt' });
    // Then 2 s at 250 W with 75 : 25 activity: 2 × 100 J idle, 300 J above idle → 225 and 75.
    l.account(500, 2, [proc(1, 150), proc(2, 50)], 5 * S);
    const s = l.snapshot();
    expect(s.idleJoules).toBe(500);
    expect(s.processes.map((p) => [p.pid, p.energyJoules, p.powerWatts])).toEqual([
      [1, 225, 112.5],
      [2, 75, 37.5],
    ]);
    // What the device used is all accounted for: idle + processes + unattributed.
    expect(s.idleJoules + s.unattributedJoules + s.processes.reduce((a, p) => a + p.energyJoules, 0)).toBe(s.accountedJoules);
    expect(s.accountedJoules).toBe(800);
  });

  it('prefers a measured idle baseline, and keeps energy above it with no active process unattributed', () => {
    const l = new ProcessLedger('cpu0', 'cpu-time', 60 * S);
    l.setIdleBaseline(40);
    l.account(50, 1, [], 1 * S);
    // Power below the baseline: all of it is idle, nothing is negative.
    l.account(30, 1, [proc(7, 0.5)], 2 * S);
    const s = l.snapshot();
    expect(s).toMatchObject({ idleWatts: 40, idleSource: 'baseline', idleJoules: 70, unattributedJoules: 10, accountedJoules: 80 });
    expect(s.processes).toEqual([expect.objectContaining({ pid: 7, energyJoules: 0, activity: 0.5 })]);
  });

  it('drops a process not reported for the grace period, and counts a reused pid as a new process', () => {
    const l = new ProcessLedger('gpu', 'sm', 10 * S);
    l.account(100, 1, [proc(1, 50), proc(2, 50)], 1 * S);
    l.account(100, 1, [proc(1, 50)], 10 * S); // pid 2 last seen 9 s ago: kept
    expect(l.snapshot().processes.map((p) => p.pid)).toEqual([1, 2]);
    l.account(100, 1, [proc(1, 50)], 12 * S); // 11 s: dropped
    expect(l.snapshot().processes.map((p) => p.pid)).toEqual([1]);
    l.account(100, 1, [proc(1, 50, 'other')], 13 * S);
    expect(l.snapshot().processes).toEqual([expect.objectContaining({ pid: 1, command: 'other', energyJoules: 100 })]);
  });

  it('ignores a period without a length or with negative energy (a counter reset)', () => {
    const l = new ProcessLedger('gpu', 'sm', 10 * S);
    l.account(100, 0, [proc(1, 1)], 1 * S);
    l.account(-5, 1, [proc(1, 1)], 2 * S);
    expect(l.snapshot()).toMatchObject({ accountedJoules: 0, processes: [] });
  });
});
