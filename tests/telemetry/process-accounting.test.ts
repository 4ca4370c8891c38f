/**
 * The worker-side accounting in-process, on the fake NVML's sampler: energy
 * from the sampler's counter readings, processes from NVML, and a GPU whose
 * process reads fail (lost, not supported) losing only its split, not the
 * accounting.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNvmlSampler } from '../../src/telemetry/nvml-sampler.js';
import { ProcessAccounting } from '../../src/telemetry/process-accounting.js';
import type { Sampler } from '../../src/telemetry/sampler.js';
import { removeDir, requireComponent, tempDir } from '../helpers.js';
import { fakePath, hasCompiler } from '../fixtures/fakes.js';

const GPU0 = 'nvidia:0000:10:00.0';
let dir = '';
beforeAll(() => (dir = tempDir()));
afterAll(() => removeDir(dir));
afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('FAKE_NVML') || k === 'FLOPMETER_NVML') delete process.env[k];
});

/** Reads the sampler and ends an accounting period, `ms` later; the GPU's energy counter there, J. */
async function period(sampler: Sampler, accounting: ProcessAccounting, ms = 100): Promise<number> {
  await new Promise((r) => setTimeout(r, ms));
  const samples = await sampler.read();
  accounting.observe(samples);
  accounting.tick();
  return samples.find((s) => s.device === GPU0 && s.quantity === 'energy' && !s.component)!.value;
}

describe('energy per process in the telemetry worker', () => {
  it('splits the counter’s energy by NVML’s processes, and a GPU whose process reads fail loses only its split', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (gcc) for the fake NVML');
    const file = join(dir, 'processes');
    writeFileSync(file, `0 ${process.pid} 40\n`);
    Object.assign(process.env, { FLOPMETER_NVML: fakePath('nvml'), FAKE_NVML_DEVICES: '1', FAKE_NVML_PROCESSES_FILE: file });
    const sampler = await createNvmlSampler({ cpuDevice: 'cpu0' });
    const accounting = ProcessAccounting.create([sampler], { cpuDevice: 'cpu0', processGraceSeconds: 60 })!;
    try {
      accounting.observe(await sampler.read());
      await period(sampler, accounting);
      await period(sampler, accounting);
      const gpu = () => accounting.snapshot().devices.find((d) => d.device === GPU0)!;
      const before = gpu();
      // This test's own process, found in the real procfs; all of the device's energy so far is its.
      expect(before.processes).toEqual([expect.objectContaining({ pid: process.pid, command: expect.any(String) })]);
      expect(before.processes[0]!.energyJoules).toBeCloseTo(before.accountedJoules, 9);
      expect(before.accountedJoules).toBeGreaterThan(0);

      process.env.FAKE_NVML_PROCESSES_ERROR = '15';
      process.env.FAKE_NVML_PROCESS_UTIL_ERROR = '15';
      await period(sampler, accounting);
      expect(accounting.snapshot().problems[GPU0]).toMatch(/GPU is lost/);
      expect(gpu().accountedJoules).toBe(before.accountedJoules);

      process.env.FAKE_NVML_PROCESSES_ERROR = '3';
      process.env.FAKE_NVML_PROCESS_UTIL_ERROR = '3';
      const lastFailed = await period(sampler, accounting);
      expect(accounting.snapshot().problems[GPU0]).toMatch(/not supported/);

      delete process.env.FAKE_NVML_PROCESSES_ERROR;
      delete process.env.FAKE_NVML_PROCESS_UTIL_ERROR;
      const end = await period(sampler, accounting);
      // Back: the problem is gone and the split resumes from the period after the failures (their energy is not split).
      expect(accounting.snapshot().problems).toEqual({});
      const after = gpu();
      expect(after.processes[0]!.energyJoules).toBeGreaterThan(before.processes[0]!.energyJoules);
      expect(after.accountedJoules - before.accountedJoules).toBeCloseTo(end - lastFailed, 6);
    } finally {
      accounting.close();
      await sampler.close?.();
    }
  });
});
