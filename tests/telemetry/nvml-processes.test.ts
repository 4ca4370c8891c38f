/**
 * The NVML process bindings against the fake libnvidia-ml.so.1
 * (tests/fixtures/fake-nvml-processes.c): struct layouts, the
 * INSUFFICIENT_SIZE retry, NOT_FOUND, NOT_SUPPORTED and GPU_IS_LOST.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Nvml } from '../../src/telemetry/nvml.js';
import { NvmlProcessQueries } from '../../src/telemetry/nvml-processes.js';
import { removeDir, requireComponent, tempDir } from '../helpers.js';
import { fakePath, hasCompiler } from '../fixtures/fakes.js';

let fake = '';
let dir = '';
beforeAll(() => {
  if (hasCompiler()) fake = fakePath('nvml');
  dir = tempDir();
});
afterAll(() => removeDir(dir));
afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('FAKE_NVML') || k === 'FLOPMETER_NVML') delete process.env[k];
});

function open(lines: string[]): { nvml: Nvml; q: NvmlProcessQueries } {
  const file = join(dir, 'processes');
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  Object.assign(process.env, { FLOPMETER_NVML: fake, FAKE_NVML_PROCESSES_FILE: file });
  const nvml = Nvml.open();
  if ('unavailable' in nvml) throw new Error(nvml.unavailable);
  return { nvml, q: NvmlProcessQueries.bind(nvml.lib) };
}

describe('NVML compute processes and their utilisation', () => {
  it('read nvmlProcessInfo_t and nvmlProcessUtilizationSample_t through the real ABI', (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const { nvml, q } = open(['0 4242 60 2147483648', '0 4343 0 1048576', '1 5000 30']);
    const gpu0 = nvml.handle(0);
    expect(q.computeProcesses(gpu0)).toEqual([
      { pid: 4242, usedMemoryBytes: 2 ** 31 },
      { pid: 4343, usedMemoryBytes: 2 ** 20 },
    ]);
    const before = Date.now() * 1000;
    const samples = q.processUtilization(gpu0, 0)!;
    // Only the busy process has a sample (nvml.h: "that had some non-zero utilization").
    expect(samples).toEqual([{ pid: 4242, timestampUs: expect.any(Number), smPercent: 60, memPercent: 30 }]);
    expect(Math.abs(samples[0]!.timestampUs - before)).toBeLessThan(10e6);
    expect(q.computeProcesses(nvml.handle(1))).toEqual([{ pid: 5000, usedMemoryBytes: 2 ** 30 }]);
    nvml.close();
  });

  it('asks again with room for all when NVML answers INSUFFICIENT_SIZE', (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const { nvml, q } = open(Array.from({ length: 150 }, (_, i) => `0 ${10000 + i} ${1 + (i % 90)}`));
    const h = nvml.handle(0);
    expect(q.computeProcesses(h)!.map((p) => p.pid)).toEqual(Array.from({ length: 150 }, (_, i) => 10000 + i));
    expect(q.processUtilization(h, 0)!.map((s) => s.smPercent)).toEqual(Array.from({ length: 150 }, (_, i) => 1 + (i % 90)));
    nvml.close();
  });

  it('has no samples (NOT_FOUND) when none are newer than the last seen, or no process is busy', (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const { nvml, q } = open(['0 4242 60']);
    const h = nvml.handle(0);
    expect(q.processUtilization(h, (Date.now() + 60_000) * 1000)).toEqual([]);
    writeFileSync(process.env.FAKE_NVML_PROCESSES_FILE!, '0 4242 0\n');
    expect(q.processUtilization(h, 0)).toEqual([]);
    expect(q.computeProcesses(h)).toEqual([{ pid: 4242, usedMemoryBytes: 2 ** 30 }]);
    writeFileSync(process.env.FAKE_NVML_PROCESSES_FILE!, '');
    expect(q.computeProcesses(h)).toEqual([]);
    nvml.close();
  });

  it('says "not supported" as null, and maps any other failure (GPU lost) to an error with NVML’s message', (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const { nvml, q } = open(['0 4242 60']);
    const h = nvml.handle(0);
    Object.assign(process.env, { FAKE_NVML_PROCESSES_ERROR: '3', FAKE_NVML_PROCESS_UTIL_ERROR: '3' });
    expect(q.computeProcesses(h)).toBeNull();
    expect(q.processUtilization(h, 0)).toBeNull();
    Object.assign(process.env, { FAKE_NVML_PROCESSES_ERROR: '15', FAKE_NVML_PROCESS_UTIL_ERROR: '15' });
    expect(() => q.computeProcesses(h)).toThrow('nvmlDeviceGetComputeRunningProcesses_v3 failed: NVML_ERROR_15 (15): GPU is lost');
    expect(() => q.processUtilization(h, 0)).toThrow('nvmlDeviceGetProcessUtilization failed: NVML_ERROR_15 (15): GPU is lost');
    nvml.close();
  });
});
