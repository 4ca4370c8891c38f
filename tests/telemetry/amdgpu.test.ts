import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAmdgpuSampler, discoverAmdgpu } from '../../src/telemetry/amdgpu.js';
import { removeDir, tempDir } from '../helpers.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function put(root: string, rel: string, text: string): void {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

/** A sysfs tree with one AMD card (as the kernel lays it out: card0/device → the PCI device) and one other. */
function sysfs(): string {
  const sys = tempDir('sys-');
  dirs.push(sys);
  const pci = 'devices/pci0000:00/0000:00:01.1/0000:03:00.0';
  put(sys, `${pci}/vendor`, '0x1002\n');
  put(sys, `${pci}/gpu_busy_percent`, '87\n');
  put(sys, `${pci}/mem_busy_percent`, '40\n');
  put(sys, `${pci}/mem_info_vram_used`, '1073741824\n');
  put(sys, `${pci}/mem_info_vram_total`, '17179869184\n');
  put(sys, `${pci}/product_name`, 'AMD Instinct MI210\n');
  put(sys, `${pci}/hwmon/hwmon4/name`, 'amdgpu\n');
  put(sys, `${pci}/hwmon/hwmon4/power1_average`, '212000000\n'); // µW
  put(sys, `${pci}/hwmon/hwmon4/temp1_input`, '61000\n');
  put(sys, `${pci}/hwmon/hwmon4/temp2_input`, '75500\n');
  put(sys, `${pci}/hwmon/hwmon4/freq1_input`, '1700000000\n');
  mkdirSync(join(sys, 'class/drm/card0'), { recursive: true });
  symlinkSync(join(sys, pci), join(sys, 'class/drm/card0/device'));
  const other = 'devices/pci0000:00/0000:00:02.0';
  put(sys, `${other}/vendor`, '0x8086\n');
  mkdirSync(join(sys, 'class/drm/card1'), { recursive: true });
  symlinkSync(join(sys, other), join(sys, 'class/drm/card1/device'));
  return sys;
}

describe('amdgpu hwmon sampler', () => {
  it('finds AMD cards by PCI vendor and names them by PCI bus id', () => {
    const cards = discoverAmdgpu(sysfs());
    expect(cards.map((c) => c.device)).toEqual([{ id: 'amdgpu:0000:03:00.0', vendor: 'amd', name: 'AMD Instinct MI210', pciBusId: '0000:03:00.0' }]);
  });

  it('reads power in watts, temperatures, busy ratios, clocks and VRAM', async () => {
    const s = await createAmdgpuSampler({ cpuDevice: 'cpu0', sysRoot: sysfs() });
    const power = s.sensors.find((x) => x.quantity === 'power')!;
    expect(power).toMatchObject({ unit: 'W', averagingSeconds: 1, minWindowSeconds: 5 });
    const samples = s.read() as Awaited<ReturnType<typeof s.read>>;
    const get = (q: string, c?: string): number | undefined => samples.find((x) => x.quantity === q && x.component === c)?.value;
    expect(get('power')).toBeCloseTo(212, 9);
    expect(get('temperature')).toBeCloseTo(61, 9);
    expect(get('temperature', 'junction')).toBeCloseTo(75.5, 9);
    expect(get('utilization')).toBeCloseTo(0.87, 9);
    expect(get('utilization', 'memory')).toBeCloseTo(0.4, 9);
    expect(get('clock')).toBe(1.7e9);
    expect(get('memory.used')).toBe(2 ** 30);
    expect(samples.every((x) => x.device === 'amdgpu:0000:03:00.0')).toBe(true);
  });

  it('sees nothing on a machine without AMD GPUs', async () => {
    const s = await createAmdgpuSampler({ cpuDevice: 'cpu0', sysRoot: '/nonexistent' });
    expect(s.devices).toEqual([]);
    expect(s.read()).toEqual([]);
  });
});
