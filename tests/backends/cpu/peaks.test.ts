/**
 * Theoretical peaks from fixture /proc/cpuinfo and sysfs trees of real
 * processors (tests/fixtures/cpuinfo/README.md); every expected figure worked
 * out by hand: cores × clock × lanes × FMA units × 2 FLOP, lanes = vector
 * bits / element bits.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuPeaks } from '../../../src/backends/cpu/peaks.js';
import { parseMemoryDevice } from '../../../src/backends/cpu/dmi.js';
import { cpuBackend } from '../../../src/backends/cpu/index.js';
import { validateReport } from '../../../src/report/validate.js';
import { fullReport } from '../../fixtures/report.js';
import { expectValidReport, ROOT, removeDir, tempDir } from '../../helpers.js';

const FIXTURES = join(ROOT, 'tests', 'fixtures', 'cpuinfo');
const roots = (name: string, sys = join(FIXTURES, name, 'sys')) => ({ proc: join(FIXTURES, name, 'proc'), sys });
const temps: string[] = [];
afterAll(() => temps.forEach(removeDir));

/** An SMBIOS type-17 table (SMBIOS 3.2 length, 0x28 bytes): size MiB, data width bits, rated and configured MT/s. */
function type17(sizeMiB: number, dataWidth: number, rated: number, configured: number): Buffer {
  const raw = Buffer.alloc(0x28 + 2);
  raw[0] = 17;
  raw[1] = 0x28;
  raw.writeUInt16LE(72, 0x08); // total width: 64 data + 8 ECC bits
  raw.writeUInt16LE(dataWidth, 0x0a);
  raw.writeUInt16LE(sizeMiB >= 0x7fff ? 0x7fff : sizeMiB, 0x0c);
  raw.writeUInt16LE(rated, 0x15);
  raw.writeUInt32LE(sizeMiB, 0x1c);
  raw.writeUInt16LE(configured, 0x20);
  return raw;
}

/** The fixture's sysfs plus DMI memory devices, in a temporary copy. */
function withDimms(name: string, dimms: Buffer[]): string {
  const sys = tempDir('flopmeter-sysfs-');
  temps.push(sys);
  cpSync(join(FIXTURES, name, 'sys'), sys, { recursive: true });
  dimms.forEach((raw, i) => {
    const dir = join(sys, 'firmware', 'dmi', 'entries', `17-${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'raw'), raw);
  });
  return sys;
}

describe('theoretical CPU peaks', () => {
  it('Xeon Platinum 8375C (Ice Lake-SP, AVX-512, 2 FMA units): clock from "cpu MHz", SMT siblings counted once', () => {
    const p = cpuPeaks(roots('xeon-8375c-icelake-sp'));
    // 4 logical CPUs on core ids 0 and 1 → 2 cores. No cpufreq: cpu MHz 2899.968 → 2.899968e9 Hz.
    // f32: 2 × 2.899968e9 × (512/32 = 16 lanes) × 2 units × 2 = 2.899968e9 × 128 = 371.195904e9 FLOP/s.
    // f64: 8 lanes → half: 185.597952e9 FLOP/s.
    expect(p.clockHz).toBeCloseTo(2.899968e9, 0);
    expect(p.flops.f32).toBeCloseTo(371.195904e9, -3);
    expect(p.flops.f64).toBeCloseTo(185.597952e9, -3);
    expect(p.sources.join('\n')).toMatch(/Ice Lake-SP.*2 FMA units × 512 bits/);
    expect(p.sources.join('\n')).toMatch(/"cpu MHz" in .*cpuinfo/);
    expect(p.memoryBytesPerSecond).toBeNull();
    expect(p.notes.join('\n')).toMatch(/memory bandwidth peak unknown: .*dmi.* not readable/);
  });

  it('EPYC 7313P (Zen 3): clock from cpuinfo_max_freq; memory from DMI: 8 channels of DDR4-3200', () => {
    const dimm = type17(32768, 64, 3200, 3200);
    const empty = type17(0, 64, 0, 0);
    const p = cpuPeaks(roots('epyc-7313p-zen3', withDimms('epyc-7313p-zen3', [...Array(8).fill(dimm), empty, empty])));
    // 32 logical CPUs, core ids 0–15 → 16 cores; cpuinfo_max_freq 3000000 kHz → 3.0e9 Hz.
    // f32: 16 × 3.0e9 × (256/32 = 8 lanes) × 2 units × 2 = 16 × 3e9 × 32 = 1.536e12 FLOP/s; f64: 768e9.
    expect(p.clockHz).toBe(3.0e9);
    expect(p.flops.f32).toBe(1.536e12);
    expect(p.flops.f64).toBe(768e9);
    expect(p.sources.join('\n')).toMatch(/cpuinfo_max_freq \(highest of 32 CPUs\)/);
    // Memory: 8 populated DIMMs (the 2 empty slots do not count) × 3200e6 transfers/s × 64/8 bytes = 204.8e9 B/s.
    expect(p.memoryBytesPerSecond).toBe(204.8e9);
    expect(p.sources.join('\n')).toMatch(/8 populated DIMMs .*3200 MT\/s × 8 bytes/);
  });

  it('the configured memory speed wins over the rated one', () => {
    // A DDR4-3200 DIMM run at 2933 MT/s: 2933e6 × 8 bytes.
    expect(parseMemoryDevice(type17(16384, 64, 3200, 2933))).toEqual({ transfersPerSecond: 2933e6, dataWidthBits: 64 });
    expect(parseMemoryDevice(type17(16384, 64, 3200, 0))).toEqual({ transfersPerSecond: 3200e6, dataWidthBits: 64 });
    expect(parseMemoryDevice(type17(0, 64, 3200, 3200))).toBeNull();
  });

  it('Ampere Altra Q80-30 (Neoverse N1): ARM cpuinfo, clock from scaling_max_freq', () => {
    const p = cpuPeaks(roots('ampere-altra-q80-30-neoverse-n1'));
    // 80 processors, no topology in cpuinfo → 80 cores; scaling_max_freq 3000000 kHz → 3.0e9 Hz.
    // f32: 80 × 3.0e9 × (128/32 = 4 lanes) × 2 units × 2 = 80 × 3e9 × 16 = 3.84e12 FLOP/s; f64: 1.92e12.
    expect(p.flops.f32).toBe(3.84e12);
    expect(p.flops.f64).toBe(1.92e12);
    expect(p.sources.join('\n')).toMatch(/Neoverse N1 \(ARM implementer 0x41 part 0xd0c\)/);
    expect(p.sources.join('\n')).toMatch(/scaling_max_freq/);
  });

  it('Graviton3 (Neoverse V1) without any clock: compute peak unknown, saying why', () => {
    const p = cpuPeaks(roots('graviton3-c7g.large-neoverse-v1'));
    expect(p.flops).toEqual({ f32: null, f64: null });
    expect(p.clockHz).toBeNull();
    expect(p.notes.join('\n')).toMatch(/compute peak unknown: no clock/);
  });

  it('a microarchitecture not in the table (Alder Lake) is unknown, not guessed', () => {
    const p = cpuPeaks(roots('core-i5-12400-alder-lake'));
    expect(p.flops).toEqual({ f32: null, f64: null });
    // The clock is still read and reported.
    expect(p.clockHz).toBe(4.4e9);
    expect(p.notes.join('\n')).toMatch(/GenuineIntel family 6 model 151 .*i5-12400.* is not in flopmeter's microarchitecture table/);
  });

  it('EPYC Genoa VM (Zen 4): AVX-512 flags, but 256-bit FMA units', () => {
    const p = cpuPeaks(roots('epyc-genoa-vm-zen4'));
    // 2 cores × 2596.140 MHz × (256/32 = 8 lanes) × 2 units × 2 = 2 × 2.59614e9 × 32 = 166.15296e9 FLOP/s; f64: 83.07648e9.
    expect(p.flops.f32).toBeCloseTo(166.15296e9, -3);
    expect(p.flops.f64).toBeCloseTo(83.07648e9, -3);
    expect(p.sources.join('\n')).toMatch(/AMD Zen 4 .*2 FMA units × 256 bits/);
    // Without cpufreq the clock is the guest's nominal one (the cores boost higher), and the peak says so.
    expect(p.notes.join('\n')).toMatch(/the clock is "cpu MHz" \(in a VM the nominal clock/);
  });

  it('an unreadable /proc gives nulls and notes, never a throw', () => {
    const p = cpuPeaks({ proc: '/nonexistent/proc', sys: '/nonexistent/sys' });
    expect(p).toMatchObject({ flops: { f32: null, f64: null }, memoryBytesPerSecond: null, clockHz: null });
    expect(p.notes.join('\n')).toMatch(/cpuinfo is not readable/);
  });

  it('are on the CPU device found here, and a report carrying them conforms to the schema', async () => {
    const d = await cpuBackend.discover();
    expect(d.available).toBe(true);
    const peaks = d.devices[0]!.peaks!;
    // Whatever this host is, each figure is a number with its sources or null with a note.
    expect(Object.keys(peaks.flops).sort()).toEqual(['f32', 'f64']);
    if (peaks.flops.f32 === null) expect(peaks.notes.join('\n')).toMatch(/compute peak unknown/);
    else expect(peaks.sources.join('\n')).toMatch(/f32: \d+ cores × /);
    const report = fullReport();
    report.devices[0]!.peaks = cpuPeaks(roots('epyc-7313p-zen3'));
    expectValidReport(report);
    report.devices[0]!.peaks = { ...report.devices[0]!.peaks, flops: { f32: 'fast' as unknown as number } };
    expect(validateReport(report).map((p) => p.path)).toContain('/devices/0/peaks/flops/f32');
  });
});

