/**
 * The NVML sampler's device health against the fake libnvidia-ml.so.1
 * (tests/fixtures/fake-nvml-health.c): ECC counters, remapped rows and
 * critical Xid events through the real ABI, "not supported" leaving them
 * absent, and a failing call costing only the quantities it provides.
 */
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNvmlSampler } from '../../src/telemetry/nvml-sampler.js';
import type { Sampler } from '../../src/telemetry/sampler.js';
import type { Sample } from '../../src/telemetry/types.js';
import { removeDir, requireComponent, tempDir } from '../helpers.js';
import { fakePath, hasCompiler } from '../fixtures/fakes.js';

const GPU0 = 'nvidia:0000:10:00.0';
const GPU1 = 'nvidia:0000:11:00.0';
let fake = '';
let dir = '';
const open: Sampler[] = [];
beforeAll(() => {
  if (hasCompiler()) fake = fakePath('nvml');
  dir = tempDir('nvml-health-');
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close?.();
  for (const k of Object.keys(process.env)) if (k.startsWith('FAKE_NVML') || k === 'FLOPMETER_NVML') delete process.env[k];
});
afterAll(() => removeDir(dir));

async function sampler(env: Record<string, string> = {}): Promise<Sampler> {
  Object.assign(process.env, { FLOPMETER_NVML: fake, ...env });
  const s = await createNvmlSampler({ cpuDevice: 'cpu0' });
  open.push(s);
  return s;
}

const quantities = (samples: Sample[], device: string): string[] => [...new Set(samples.filter((x) => x.device === device).map((x) => `${x.quantity}${x.component ? `/${x.component}` : ''}`))].sort();

describe('NVML device health', () => {
  it('reads the volatile ECC counters and remapped rows, and counts critical Xid events by code and device', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const xids = join(dir, 'xid-count');
    writeFileSync(xids, '0 79\n1 48\n');
    const s = await sampler({ FAKE_NVML_ECC: '3,1', FAKE_NVML_REMAPPED: '2,1,1,0', FAKE_NVML_XID_FILE: xids });
    await s.read();
    appendFileSync(xids, '0 79\n0 31\n');
    await s.read();
    const h = s.health!();
    expect(h.readError).toBeNull();
    const gpu0 = h.devices.find((d) => d.device === GPU0)!;
    // Volatile counts (the fake's aggregate ones are 1000 more).
    expect(gpu0).toEqual({
      device: GPU0,
      state: 'ok',
      reason: '',
      xid: { '79': 2, '31': 1 },
      ecc: { corrected: 3, uncorrected: 1 },
      remappedRows: { correctable: 2, uncorrectable: 1, pending: true, failureOccurred: false },
    });
    expect(h.devices.find((d) => d.device === GPU1)!.xid).toEqual({ '48': 1 });
  });

  it('leaves ECC, remapped rows and Xid counts absent (never 0) where NVML does not support them', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const s = await sampler({ FAKE_NVML_ECC: 'none', FAKE_NVML_REMAPPED: 'none', FAKE_NVML_EVENTS: 'none' });
    await s.read();
    const h = s.health!();
    expect(h.devices.map((d) => d.device)).toEqual([GPU0, GPU1]);
    for (const d of h.devices) expect(d).toEqual({ device: d.device, state: 'ok', reason: '' });
    expect(h.readError).toBeNull();
    expect(s.notes).toContain(`${GPU0}: NVML gives no critical Xid events for this GPU (not supported)`);
  });

  it('loses only the failing call’s quantities, on that GPU alone, and recovers when the call works again', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const faults = join(dir, 'faults-temperature');
    const s = await sampler({ FAKE_NVML_FAULTS_FILE: faults });
    const all = quantities(await s.read(), GPU0);
    writeFileSync(faults, 'nvmlDeviceGetTemperature 999 0\n');
    const failing = await s.read();
    expect(quantities(failing, GPU0)).toEqual(all.filter((q) => q !== 'temperature'));
    expect(quantities(failing, GPU1)).toEqual(all);
    const h = s.health!();
    expect(h.changes).toHaveLength(1);
    expect(h.changes[0]).toMatchObject({ device: GPU0, state: 'degraded', previous: 'ok', reason: 'temperature: nvmlDeviceGetTemperature failed: NVML_ERROR_999 (999): Unknown Error' });
    expect(h.readError).toMatch(/temperature: nvmlDeviceGetTemperature failed/);
    expect(h.devices.find((d) => d.device === GPU1)!.state).toBe('ok');
    await s.read();
    expect(s.health!().changes).toEqual([]); // the same failure again is no change
    rmSync(faults);
    expect(quantities(await s.read(), GPU0)).toEqual(all);
    expect(s.health!().changes.map((c) => [c.device, c.state])).toEqual([[GPU0, 'ok']]);
  });

  it('says a GPU is lost when NVML does (GPU_IS_LOST on every call), keeping the other GPU’s readings', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const faults = join(dir, 'faults-lost');
    const s = await sampler({ FAKE_NVML_FAULTS_FILE: faults, FAKE_NVML_ECC: '0,0' });
    const all = quantities(await s.read(), GPU1);
    writeFileSync(faults, '* 15 1\n');
    await new Promise((r) => setTimeout(r, 1100)); // the ECC counters are read once a second
    const samples = await s.read();
    expect(quantities(samples, GPU1)).toEqual([]);
    expect(quantities(samples, GPU0)).toEqual(all);
    const gpu1 = s.health!().devices.find((d) => d.device === GPU1)!;
    expect(gpu1.state).toBe('lost');
    expect(gpu1.reason).toContain('NVML_ERROR_15 (15): GPU is lost');
    expect(gpu1.ecc).toBeUndefined();
  });

  it('leaves out a GPU lost before the start, with a note, and samples the others', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const s = await sampler({ FAKE_NVML_FAULTS: 'nvmlDeviceGetName 15 1' });
    expect(s.devices.map((d) => d.id)).toEqual([GPU0]);
    expect(s.notes).toContain('NVML GPU 1 left out: NVML: nvmlDeviceGetName failed: NVML_ERROR_15 (15): GPU is lost');
    expect(quantities(await s.read(), GPU0)).toContain('temperature');
  });

  it('counts a failing event wait (GPU_IS_LOST) as the read’s error, on no one GPU (the event set spans them)', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake NVML');
    const s = await sampler({ FAKE_NVML_FAULTS: 'nvmlEventSetWait_v2 15' });
    const samples = await s.read();
    const h = s.health!();
    expect(h.readError).toBe('Xid events: nvmlEventSetWait_v2 failed: NVML_ERROR_15 (15): GPU is lost');
    expect(h.devices.map((d) => d.state)).toEqual(['ok', 'ok']);
    expect(quantities(samples, GPU1)).toContain('power');
  });
});
