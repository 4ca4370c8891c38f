/**
 * AMD GPUs through the amdgpu driver's hwmon and sysfs files: board power
 * (power1_average, or power1_input on newer kernels; µW), edge and junction
 * temperatures (m°C), GPU and memory busy percentages, shader and memory
 * clocks (Hz), and VRAM in use. Plain file reads, off the measuring threads.
 */
import { realpathSync } from 'node:fs';
import { listDir as list, readText } from './files.js';
import { basename, join } from 'node:path';
import { monotonicNs } from '../core/clock.js';
import type { Sampler, SamplerOptions } from './sampler.js';
import type { TelemetryDevice } from './devices.js';
import type { MissingSensor, Quantity, Sample, SensorInfo } from './types.js';

/** Ten times a second: amdgpu refreshes its power reading about that often. */
const DEFAULT_PERIOD_SECONDS = 0.1;
const AMD_PCI_VENDOR = '0x1002';

/** A sysfs value without its trailing newline, or null. */
function read(path: string): string | null {
  return readText(path)?.trim() ?? null;
}

interface Reading {
  quantity: Quantity;
  component?: string;
  path: string;
  /** Multiplier from the file's unit to SI. */
  scale: number;
  sensor: Omit<SensorInfo, 'sampler' | 'device' | 'quantity' | 'component'>;
}

interface Card {
  device: TelemetryDevice;
  readings: Reading[];
}

/** Finds amdgpu cards under sysfs and the files each exposes. */
export function discoverAmdgpu(sysRoot = '/sys'): Card[] {
  const drm = join(sysRoot, 'class', 'drm');
  const cards: Card[] = [];
  for (const entry of list(drm).filter((e) => /^card\d+$/.test(e)).sort()) {
    const dev = join(drm, entry, 'device');
    if (read(join(dev, 'vendor')) !== AMD_PCI_VENDOR) continue;
    const hwmonDir = list(join(dev, 'hwmon')).map((h) => join(dev, 'hwmon', h)).find((h) => read(join(h, 'name')) === 'amdgpu');
    if (!hwmonDir) continue;
    let pci: string | null;
    try {
      pci = basename(realpathSync(dev)).toLowerCase();
    } catch {
      pci = null;
    }
    const id = `amdgpu:${pci ?? entry}`;
    const readings: Reading[] = [];
    const add = (r: Reading): void => {
      if (read(r.path) !== null) readings.push(r);
    };
    const powerFile = read(join(hwmonDir, 'power1_input')) !== null ? 'power1_input' : 'power1_average';
    add({
      quantity: 'power',
      path: join(hwmonDir, powerFile),
      scale: 1e-6,
      sensor: {
        unit: 'W',
        description: `board power from amdgpu hwmon ${powerFile}`,
        // AMD publishes no accuracy for the SMU's power estimate; stated so the budget carries it.
        accuracy: { relative: 0.05, source: 'assumed ±5 %: AMD states no accuracy for the SMU power reading' },
        resolution: 1e-6,
        ...(powerFile === 'power1_average' ? { averagingSeconds: 1, minWindowSeconds: 5 } : {}),
      },
    });
    add({ quantity: 'temperature', path: join(hwmonDir, 'temp1_input'), scale: 1e-3, sensor: { unit: '°C', description: 'edge temperature' } });
    add({ quantity: 'temperature', component: 'junction', path: join(hwmonDir, 'temp2_input'), scale: 1e-3, sensor: { unit: '°C', description: 'junction temperature' } });
    add({ quantity: 'utilization', path: join(dev, 'gpu_busy_percent'), scale: 0.01, sensor: { unit: 'ratio', description: 'GPU busy share (gpu_busy_percent)' } });
    add({ quantity: 'utilization', component: 'memory', path: join(dev, 'mem_busy_percent'), scale: 0.01, sensor: { unit: 'ratio', description: 'memory controller busy share' } });
    add({ quantity: 'clock', path: join(hwmonDir, 'freq1_input'), scale: 1, sensor: { unit: 'Hz', description: 'shader clock (sclk)' } });
    add({ quantity: 'clock', component: 'memory', path: join(hwmonDir, 'freq2_input'), scale: 1, sensor: { unit: 'Hz', description: 'memory clock (mclk)' } });
    add({ quantity: 'memory.used', path: join(dev, 'mem_info_vram_used'), scale: 1, sensor: { unit: 'byte', description: 'VRAM in use' } });
    add({ quantity: 'memory.total', path: join(dev, 'mem_info_vram_total'), scale: 1, sensor: { unit: 'byte', description: 'VRAM size' } });
    cards.push({ device: { id, vendor: 'amd', name: read(join(dev, 'product_name')) ?? `AMD GPU ${pci ?? entry}`, pciBusId: pci }, readings });
  }
  return cards;
}

export async function createAmdgpuSampler(options: SamplerOptions): Promise<Sampler> {
  const cards = discoverAmdgpu(options.sysRoot);
  const sensors: SensorInfo[] = [];
  const missing: MissingSensor[] = [];
  for (const card of cards) {
    for (const r of card.readings) sensors.push({ sampler: 'amdgpu', device: card.device.id, quantity: r.quantity, ...(r.component ? { component: r.component } : {}), ...r.sensor });
    if (!card.readings.some((r) => r.quantity === 'power')) {
      missing.push({ sampler: 'amdgpu', device: card.device.id, quantity: 'power', reason: 'amdgpu exposes no power1_input or power1_average for this card' });
    }
  }
  return {
    id: 'amdgpu',
    devices: cards.map((c) => c.device),
    sensors,
    missing,
    periodSeconds: options.gpuPeriodSeconds ?? DEFAULT_PERIOD_SECONDS,
    counter: false,
    read(): Sample[] {
      const t = monotonicNs();
      const out: Sample[] = [];
      for (const card of cards) {
        for (const r of card.readings) {
          const text = read(r.path);
          const v = text === null || text === '' ? NaN : Number(text);
          if (Number.isFinite(v)) out.push({ t, device: card.device.id, quantity: r.quantity, ...(r.component ? { component: r.component } : {}), value: v * r.scale });
        }
      }
      return out;
    },
  };
}
