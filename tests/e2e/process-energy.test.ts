/**
 * Energy per process end to end: a real `flopmeter serve` on the fake NVML
 * (whose compute processes are real child processes of this test, with
 * scripted SM utilisation) and a live RAPL fixture; the processes appear in
 * /metrics with their shares, the shares (plus idle) add up to the device's
 * energy, and a process that ends drops out after the grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCgroup } from '../../src/telemetry/procfs.js';
import { fakePath, hasCompiler } from '../fixtures/fakes.js';
import { expectValidReport, liveRapl, removeDir, requireComponent, runCli, tempDir } from '../helpers.js';
import type { Report } from '../../src/report/types.js';
import { hasCommand, promtoolCheck, startServe, waitFor } from '../exporter/prometheus-tools.js';

const GPU0 = 'nvidia:0000:10:00.0';
/** The fake GPU's steady power, W (fake-nvml.c FAKE_NVML_POWER_W's default), and the RAPL fixture's. */
const GPU_WATTS = 250;
const CPU_WATTS = 40;

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

async function scrape(url: string): Promise<{ body: string; series: Series[] }> {
  const body = await (await fetch(`${url}/metrics`)).text();
  const series: Series[] = [];
  for (const m of body.matchAll(/^(\w+)\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    series.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { body, series };
}

const of = (s: Series[], name: string, labels: Record<string, string>): Series[] => s.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
const sum = (s: Series[]): number => s.reduce((a, x) => a + x.value, 0);
const one = (s: Series[], name: string, labels: Record<string, string>): number | undefined => of(s, name, labels)[0]?.value;

describe('energy per process in a real flopmeter serve', () => {
  it('splits a GPU’s and the CPU’s energy among real processes, keeps idle apart, and drops ended processes', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (for the fake NVML)');
    requireComponent(ctx, hasCommand('promtool'), 'promtool (Debian’s prometheus package)');
    const dir = tempDir();
    const children: ChildProcess[] = [];
    const rapl = await liveRapl(join(dir, 'powercap'), CPU_WATTS);
    const [a, b] = [spawn('sleep', ['300']), spawn('sleep', ['300'])];
    const busy = spawn(process.execPath, ['-e', 'for (;;) {}']);
    children.push(a, b, busy);
    const file = join(dir, 'processes');
    writeFileSync(file, `0 ${a.pid} 60\n0 ${b.pid} 20\n`);
    const env = { FLOPMETER_NVML: fakePath('nvml'), FAKE_NVML_DEVICES: '1', FAKE_NVML_PROCESSES_FILE: file, FLOPMETER_POWERCAP_ROOT: join(dir, 'powercap') };
    const serve = await startServe(['--backend', 'cpu', '--process-grace', '3'], env);
    try {
      const gpu = (pid: number | undefined): Record<string, string> => ({ device: GPU0, pid: String(pid) });
      const first = await waitFor('both GPU processes with power', async () => {
        const m = await scrape(serve.url);
        return one(m.series, 'flopmeter_process_power_watts', gpu(a.pid))! > 0 && one(m.series, 'flopmeter_process_power_watts', gpu(b.pid))! > 0 ? m : undefined;
      });
      expect(promtoolCheck(first.body)).toEqual({ code: 0, output: '' });
      // Labels: the command from comm, the container and pod from the process's own cgroup file.
      const placement = parseCgroup(readFileSync(`/proc/${a.pid}/cgroup`, 'utf8'));
      expect(of(first.series, 'flopmeter_process_energy_joules_total', gpu(a.pid))[0]!.labels).toEqual({ ...gpu(a.pid), command: 'sleep', container_id: placement.containerId, pod_uid: placement.podUid });
      // Shares by SM utilisation, 60 : 20; no idle power known yet (never idle), so the whole 250 W is split.
      const pa = one(first.series, 'flopmeter_process_power_watts', gpu(a.pid))!;
      const pb = one(first.series, 'flopmeter_process_power_watts', gpu(b.pid))!;
      expect(pa / pb).toBeCloseTo(3, 6);
      expect((pa + pb) / GPU_WATTS).toBeCloseTo(1, 2);
      expect(one(first.series, 'flopmeter_device_idle_power_watts', { device: GPU0 })).toBeUndefined();
      expect(first.body).toMatch(/# HELP flopmeter_process_energy_joules_total .*An estimate: .*share of SM utilisation/);

      // The shares add up to the device's energy: both advance by the same amount between two scrapes, within the
      // split's lag behind the device's counter at either scrape (up to one 1 s period and a 250 ms batch; two
      // periods at the device's power allow for timers late on a busy machine).
      const PERIOD = 1;
      const accounted = (s: Series[]): number => sum(of(s, 'flopmeter_process_energy_joules_total', { device: GPU0 })) + sum(of(s, 'flopmeter_device_idle_energy_joules_total', { device: GPU0 })) + sum(of(s, 'flopmeter_device_unattributed_energy_joules_total', { device: GPU0 }));
      await new Promise((r) => setTimeout(r, 4000));
      const second = await scrape(serve.url);
      const device = one(second.series, 'flopmeter_device_energy_joules_total', { device: GPU0 })! - one(first.series, 'flopmeter_device_energy_joules_total', { device: GPU0 })!;
      expect(device).toBeGreaterThan(3.5 * GPU_WATTS);
      expect(Math.abs(accounted(second.series) - accounted(first.series) - device)).toBeLessThan(2 * PERIOD * GPU_WATTS);

      // The CPU's RAPL energy, split by CPU time: the busy child draws a share, and all of it adds up to the package's
      // power (within 15 %: the fixture's counter is written by a process that a busy machine may delay).
      const cpu = of(second.series, 'flopmeter_process_power_watts', { device: 'cpu0' });
      expect(of(cpu, 'flopmeter_process_power_watts', { pid: String(busy.pid), command: 'node' })[0]!.value).toBeGreaterThan(0);
      expect(Math.abs(sum(cpu) / CPU_WATTS - 1)).toBeLessThan(0.15);

      // a ends; b stays but is idle: the GPU's idle power is learnt (250 W) and kept apart, b draws nothing above it.
      a.kill('SIGKILL');
      writeFileSync(file, `0 ${b.pid} 0\n`);
      const later = await waitFor('a dropped and the idle power learnt', async () => {
        const m = await scrape(serve.url);
        return of(m.series, 'flopmeter_process_energy_joules_total', gpu(a.pid)).length === 0 && one(m.series, 'flopmeter_device_idle_power_watts', { device: GPU0 }) !== undefined ? m : undefined;
      }, 20_000);
      expect(one(later.series, 'flopmeter_device_idle_power_watts', { device: GPU0 })! / GPU_WATTS).toBeCloseTo(1, 2);
      expect(one(later.series, 'flopmeter_process_power_watts', gpu(b.pid))).toBe(0);
      expect(one(later.series, 'flopmeter_process_energy_joules_total', gpu(b.pid))).toBeGreaterThan(0);
    } finally {
      await serve.stop();
      rapl.stop();
      for (const c of children) c.kill('SIGKILL');
      removeDir(dir);
    }
  }, 90_000);

  it('writes the split over the run into a run report, the CPU’s above the run’s measured idle baseline', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (for the fake NVML)');
    const dir = tempDir();
    const rapl = await liveRapl(join(dir, 'powercap'), CPU_WATTS);
    const child = spawn('sleep', ['300']);
    const file = join(dir, 'processes');
    writeFileSync(file, `0 ${child.pid} 50\n`);
    const out = join(dir, 'report.json');
    try {
      let cliPid = 0;
      const env = { FLOPMETER_NVML: fakePath('nvml'), FAKE_NVML_DEVICES: '1', FAKE_NVML_PROCESSES_FILE: file, FLOPMETER_POWERCAP_ROOT: join(dir, 'powercap') };
      const r = await runCli(['run', '-b', 'cpu', '-p', 'launch-latency', '--preset', 'quick', '--windows', '2', '--no-progress', '-o', out], { env, onStart: (_kill, _output, pid) => (cliPid = pid) });
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
      expectValidReport(report);
      const { processes } = report;
      expect(processes?.method).toMatch(/^An estimate: /);
      const gpu = processes!.devices.find((d) => d.device === GPU0)!;
      // The only process on the GPU, busy throughout: all of the GPU's energy is its (no idle power known).
      expect(gpu).toMatchObject({ activityKind: 'sm', idleWatts: null, idleSource: null, idleJoules: 0, unattributedJoules: 0 });
      expect(gpu.processes).toEqual([expect.objectContaining({ pid: child.pid, command: 'sleep' })]);
      expect(gpu.processes[0]!.energyJoules).toBeCloseTo(gpu.accountedJoules, 6);
      expect(gpu.accountedJoules).toBeGreaterThan(GPU_WATTS);
      // The CPU: split above the idle baseline the run measured on the RAPL fixture's steady 40 W; the run's own process used CPU time.
      const cpu = processes!.devices.find((d) => d.device === 'cpu0')!;
      expect(cpu.idleSource).toBe('baseline');
      expect(Math.abs(cpu.idleWatts! / CPU_WATTS - 1)).toBeLessThan(0.15);
      expect(cpu.processes.find((p) => p.pid === cliPid)).toMatchObject({ command: expect.stringMatching(/node|flopmeter/), activity: expect.any(Number) });
      expect(cpu.processes.find((p) => p.pid === cliPid)!.activity).toBeGreaterThan(0);
      const split = cpu.idleJoules + cpu.unattributedJoules + cpu.processes.reduce((a, p) => a + p.energyJoules, 0);
      expect(split / cpu.accountedJoules).toBeCloseTo(1, 9);
    } finally {
      rapl.stop();
      child.kill('SIGKILL');
      removeDir(dir);
    }
  }, 120_000);

  it('refuses a negative grace period, from the command line or the environment, naming the value', async () => {
    const flag = await runCli(['serve', '--process-grace', '-1']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--process-grace -1: must be a number of seconds, 0 or more');
    const env = await runCli(['serve'], { env: { FLOPMETER_PROCESS_GRACE: 'soon' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('FLOPMETER_PROCESS_GRACE=soon: --process-grace takes a number');
  });
});
