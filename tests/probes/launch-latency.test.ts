import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import launch from '../../probes/launch-latency.js';
import type { DeviceSession } from '../../src/backends/backend.js';
import { openCpu, runProbe as runProbeOnCpu } from './run-probe.js';

let cpu: DeviceSession;
beforeAll(async () => (cpu = await openCpu(2)));
afterAll(async () => cpu.close());

describe('launch-latency', () => {
  it('dispatches to every worker and sees each finish', async () => {
    const r = await runProbeOnCpu(cpu, launch, {});
    expect(r.check).toMatchObject({ passed: true, maxRelError: 0 });
    expect(r.output[0]).toBe(launch.inputs(42, {}).token![0]); // the token every worker wrote
    expect(r.window.iterations).toBeGreaterThanOrEqual(2);
  });

  it('counts one item per dispatch', () => {
    expect(launch.work({})).toEqual({ items: 1 });
  });
});
