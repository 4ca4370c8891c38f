/**
 * Device health end to end: a real `flopmeter serve` process on the fake NVML
 * (tests/fixtures/fake-nvml-health.c). GPU 0 has ECC counters, remapped rows
 * and critical Xid events; GPU 1's NVML answers NOT_SUPPORTED for all three.
 * Mid-run GPU 0's temperature read starts failing (a file the fake reads on
 * every call): it goes up 0 with one log line and its other quantities stay;
 * when the failure is removed it comes back to up 1 with one more line.
 */
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLibraryPath, hasCompiler } from '../fixtures/fakes.js';
import { removeDir, requireComponent, runCli, tempDir } from '../helpers.js';
import { hasCommand, promtoolCheck, startServe, waitFor, type ServeDaemon } from '../exporter/prometheus-tools.js';
import { valueOf } from '../exporter/in-process.js';

const GPU0 = 'nvidia:0000:10:00.0';
const GPU1 = 'nvidia:0000:11:00.0';
/** GPU 1 lacks ECC, row remapping and events: NVML answers NOT_SUPPORTED (3). */
const UNSUPPORTED_ON_GPU1 = ['nvmlDeviceGetTotalEccErrors 3 1', 'nvmlDeviceGetRemappedRows 3 1', 'nvmlDeviceRegisterEvents 3 1'].join(';');
const HEALTH_LINE = /^\S+ device nvidia:\S+ .*$/gm;

describe('flopmeter serve: device health', () => {
  let dir = '';
  let serve: ServeDaemon | undefined;
  const faults = (): string => join(dir, 'faults');
  const xids = (): string => join(dir, 'xids');
  const scrape = async (): Promise<string> => (await fetch(`${serve!.url}/metrics`)).text();
  /** Scrapes until `check` holds on the exposition (the sampler runs at 20 Hz, batches reach the server 4 times a second). */
  const until = (what: string, check: (body: string) => boolean): Promise<string> => waitFor(what, async () => ((b) => (check(b) ? b : undefined))(await scrape()), 15_000);
  const healthLines = (): string[] => serve!.output().match(HEALTH_LINE) ?? [];

  beforeAll(async () => {
    if (!hasCompiler()) return;
    dir = tempDir('device-health-');
    writeFileSync(xids(), '');
    serve = await startServe(['--backend', 'cpu', '--sample-hz', '20'], {
      LD_LIBRARY_PATH: fakeLibraryPath('nvml'),
      FAKE_NVML_FAULTS: UNSUPPORTED_ON_GPU1,
      FAKE_NVML_FAULTS_FILE: faults(),
      FAKE_NVML_ECC: '5,1',
      FAKE_NVML_REMAPPED: '3,1,1,0',
      FAKE_NVML_XID_FILE: xids(),
    });
  });

  afterAll(async () => {
    await serve?.stop();
    if (dir) removeDir(dir);
  });

  it('exports up, ECC counters and remapped rows where NVML has them, and leaves them absent where it says not supported', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (gcc) for the fake NVML');
    const body = await until('both GPUs up', (b) => valueOf(b, `flopmeter_device_up{device="${GPU0}"}`) === 1 && valueOf(b, `flopmeter_device_up{device="${GPU1}"}`) === 1);
    expect(valueOf(body, `flopmeter_device_health_info{device="${GPU0}",state="ok",reason=""}`)).toBe(1);
    expect(valueOf(body, `flopmeter_device_ecc_errors_total{device="${GPU0}",severity="corrected"}`)).toBe(5);
    expect(valueOf(body, `flopmeter_device_ecc_errors_total{device="${GPU0}",severity="uncorrected"}`)).toBe(1);
    expect(valueOf(body, `flopmeter_device_remapped_rows{device="${GPU0}",cause="correctable"}`)).toBe(3);
    expect(valueOf(body, `flopmeter_device_remapped_rows{device="${GPU0}",cause="uncorrectable"}`)).toBe(1);
    expect(valueOf(body, `flopmeter_device_row_remap_pending{device="${GPU0}"}`)).toBe(1);
    expect(valueOf(body, `flopmeter_device_row_remap_failed{device="${GPU0}"}`)).toBe(0);
    for (const name of ['flopmeter_device_ecc_errors_total', 'flopmeter_device_remapped_rows', 'flopmeter_device_row_remap_pending', 'flopmeter_device_row_remap_failed']) expect(body).not.toContain(`${name}{device="${GPU1}"`);
    expect(healthLines()).toEqual([]);
    if (hasCommand('promtool')) expect(promtoolCheck(body)).toEqual({ code: 0, output: '' });
  });

  it('counts critical Xid events by code, on the GPU that has them', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (gcc) for the fake NVML');
    appendFileSync(xids(), '0 79\n0 48\n0 79\n1 79\n');
    const body = await until('Xid 79 counted twice', (b) => valueOf(b, `flopmeter_device_xid_errors_total{device="${GPU0}",xid="79"}`) === 2);
    expect(valueOf(body, `flopmeter_device_xid_errors_total{device="${GPU0}",xid="48"}`)).toBe(1);
    expect(body).not.toContain(`flopmeter_device_xid_errors_total{device="${GPU1}"`);
  });

  it('goes up 0 with one log line when a read starts failing, keeps the other quantities, and comes back with one more line', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (gcc) for the fake NVML');
    writeFileSync(faults(), 'nvmlDeviceGetTemperature 999 0\n');
    const reason = 'temperature: nvmlDeviceGetTemperature failed: NVML_ERROR_999 (999): Unknown Error';
    // The temperature series ages out after the exporter's staleness limit (5 s); the others keep coming.
    const failing = await until('GPU 0 down, without its temperature', (b) => valueOf(b, `flopmeter_device_up{device="${GPU0}"}`) === 0 && !b.includes(`flopmeter_device_temperature_celsius{device="${GPU0}"`));
    expect(valueOf(failing, `flopmeter_device_health_info{device="${GPU0}",state="degraded",reason="${reason}"}`)).toBe(1);
    expect(valueOf(failing, `flopmeter_device_power_watts{device="${GPU0}",component="device"}`)).toBe(250);
    expect(valueOf(failing, `flopmeter_device_clock_hertz{device="${GPU0}",component="device"}`)).toBe(1.98e9);
    expect(valueOf(failing, `flopmeter_device_energy_joules_total{device="${GPU0}"}`)).toBeGreaterThan(0);
    expect(valueOf(failing, `flopmeter_device_up{device="${GPU1}"}`)).toBe(1);
    expect(valueOf(failing, `flopmeter_device_temperature_celsius{device="${GPU1}",component="device"}`)).toBe(61);
    expect(valueOf(failing, 'flopmeter_sampler_errors_total{sampler="nvml"}')).toBeGreaterThan(0);
    // Some hundred failing reads so far, one line.
    expect(healthLines()).toEqual([expect.stringMatching(new RegExp(`^\\S+Z device ${GPU0} degraded: ${reason.replace(/[()]/g, '\\$&')}$`))]);

    rmSync(faults());
    const back = await until('GPU 0 up again', (b) => valueOf(b, `flopmeter_device_up{device="${GPU0}"}`) === 1);
    expect(valueOf(back, `flopmeter_device_health_info{device="${GPU0}",state="ok",reason=""}`)).toBe(1);
    await waitFor('GPU 0 temperature back', async () => (valueOf(await scrape(), `flopmeter_device_temperature_celsius{device="${GPU0}",component="device"}`) === 60 ? true : undefined));
    expect(healthLines()).toHaveLength(2);
    expect(healthLines()[1]).toMatch(new RegExp(`^\\S+Z device ${GPU0} ok again \\(was degraded\\)$`));
  });
});

describe('flopmeter run: device health on the report', () => {
  it('notes a GPU’s health change during the run on the report’s telemetry notes', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (gcc) for the fake NVML');
    const dir = tempDir('device-health-run-');
    try {
      const out = join(dir, 'report.json');
      // GPU 0's clock reads fail once 40 of them have worked there (two per read: about a second into sampling).
      const r = await runCli(['run', '-b', 'cpu', '-p', 'launch-latency', '--preset', 'quick', '--windows', '3', '--no-progress', '-o', out], {
        env: { LD_LIBRARY_PATH: fakeLibraryPath('nvml'), FAKE_NVML_FAULTS: 'nvmlDeviceGetClockInfo 999 0 40' },
      });
      expect(r.code, r.stderr).toBe(0);
      const notes = (JSON.parse(readFileSync(out, 'utf8')) as { telemetry: { notes: string[] } }).telemetry.notes;
      const health = notes.filter((n) => n.startsWith('health at '));
      expect(health).toEqual([expect.stringMatching(new RegExp(`^health at \\S+Z: device ${GPU0} degraded: clock: nvmlDeviceGetClockInfo failed: .*; memory clock: nvmlDeviceGetClockInfo failed: `))]);
    } finally {
      removeDir(dir);
    }
  });
});
