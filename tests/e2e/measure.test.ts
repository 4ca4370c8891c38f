/**
 * `flopmeter measure -- CMD` as a user meets it: real Python and Node.js
 * commands reporting work through the helpers in examples/, measured on the
 * fake GPU stack (fake NVML: 250 W and 300 W, steady) and a live RAPL
 * fixture (40 W), so that the expected energy per unit of work is the
 * scripted power over the scripted work rate. Also: the warm-up mark, --work,
 * a command reporting nothing, a failing command, Ctrl-C, hostile work lines,
 * compare of two external results, and --push to a real HTTP server.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/measure/result.js';
import type { Report } from '../../src/report/types.js';
import { fakeLibraryPath, hasCompiler } from '../fixtures/fakes.js';
import { ROOT, expectValidReport, liveRapl, removeDir, requireComponent, runCli, tempDir, type CliOptions } from '../helpers.js';

const RAPL_WATTS = 40;
/** The fake NVML's GPU i draws 250 + 50·i W (tests/fixtures/fake-nvml.c). */
const gpuWatts = (index: number): number => 250 + 50 * index;
const PY = join(ROOT, 'tests', 'fixtures', 'external', 'emit_work.py');
const MJS = join(ROOT, 'tests', 'fixtures', 'external', 'emit-work.mjs');
/** Relative agreement asked of a figure computed from the fixtures' scripted power and work rate (a loaded 2-core host). */
const TOLERANCE = 0.1;

const dir = tempDir('measure-');
const raplRoot = join(dir, 'powercap');
let rapl: { stop: () => void } | undefined;
let env: Record<string, string> = {};
const pushes: Array<{ method: string; url: string; body: string }> = [];
let pushServer: Server | undefined;
let pushUrl = '';

beforeAll(async () => {
  rapl = await liveRapl(raplRoot, RAPL_WATTS);
  env = { FLOPMETER_POWERCAP_ROOT: raplRoot, ...(hasCompiler() ? { LD_LIBRARY_PATH: fakeLibraryPath('nvml') } : {}) };
  pushServer = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      pushes.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => pushServer!.listen(0, '127.0.0.1', r));
  pushUrl = `http://127.0.0.1:${(pushServer.address() as AddressInfo).port}`;
});

afterAll(() => {
  rapl?.stop();
  pushServer?.close();
  removeDir(dir);
});

/** Runs `flopmeter measure` with the fixtures' environment; returns the run and its report (validated) where written. */
async function measure(name: string, args: string[], opts: CliOptions = {}): Promise<{ code: number | null; stderr: string; stdout: string; report: Report | null; out: string }> {
  const out = join(dir, `${name}.json`);
  const r = await runCli(['measure', '--idle', '0.5', '-o', out, ...args], { timeoutMs: 60_000, ...opts, env: { ...env, ...opts.env } });
  const report = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Report) : null;
  if (report) expectValidReport(report);
  return { ...r, report, out };
}

/** Expected power of a result's device from the fixtures. */
function scriptedWatts(report: Report, r: Result): number {
  if (r.device === 'cpu0') return RAPL_WATTS;
  const index = report.telemetry.devices.find((d) => d.id === r.device)?.identity?.index;
  return gpuWatts(Number(index));
}

function expectNear(actual: number | undefined, expected: number, what: string): void {
  expect(actual, what).toBeDefined();
  expect(Math.abs(actual! / expected - 1), `${what}: ${actual} vs ${expected}`).toBeLessThan(TOLERANCE);
}

describe('flopmeter measure on the emulated GPU stack and RAPL', () => {
  let pyReport: Report | null = null;

  it('measures a Python command: energy per token from the scripted power over the scripted rate, the warm-up cut at the mark, latencies, pushed', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (gcc) for the fake GPU stack');
    // 4 s at 10 ticks/s × 20 tokens = 200 token/s, after 1 s of warm-up at 2000 token/s.
    const r = await measure('python', ['--workload', 'py-bench@1.0', '--work-unit', 'token', '--push', pushUrl, '--', 'python3', PY, '4', '10', '20', '0.025', '1']);
    expect(r.code, r.stderr).toBe(0);
    pyReport = r.report!;
    expect(pyReport.config.preset).toBe('external');
    const results = pyReport.results;
    expect(results.map((x) => x.device).sort()).toEqual(['cpu0', ...pyReport.telemetry.devices.filter((d) => d.vendor === 'nvidia').map((d) => d.id)].sort());
    expect(results).toHaveLength(3);
    for (const x of results) {
      const watts = scriptedWatts(pyReport, x);
      expect(x.status, x.reason ?? '').toBe('completed');
      expect(x.probe).toBe('external');
      expect(x.work.unit).toBe('token');
      // The warm-up (ten times the rate) is left out: the throughput is the measured part's.
      expectNear(x.throughput?.value, 200, `${x.device} throughput`);
      expectNear(x.energy?.perUnit.value, watts / 200, `${x.device} J/token`);
      expectNear(x.efficiency?.value, 200 / watts, `${x.device} token/J`);
      expect(x.energy!.perUnit.ci95[0]).toBeLessThan(x.energy!.perUnit.value);
      expect(x.external!.warmupSeconds).toBeGreaterThan(0.9);
      expect(x.external!.warmupSeconds).toBeLessThan(2.5);
      expect(x.latency!.p50).toBeCloseTo(0.025, 3);
      expect(x.latency!.count).toBeGreaterThanOrEqual(39);
      expect(x.external).toMatchObject({ workload: { name: 'py-bench', version: '1.0' }, command: ['python3', PY, '4', '10', '20', '0.025', '1'], exit: { code: 0, signal: null }, workSource: 'lines', malformedLines: 0, verification: 'external: not checked by flopmeter' });
      expect(x.external!.envDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    // The run's energy per process: the command itself appears among the CPU's processes (split by CPU time, issue 16).
    const cpu = pyReport.processes?.devices.find((d) => d.device === 'cpu0');
    expect(cpu?.processes.some((p) => /python/.test(p.command ?? '')), JSON.stringify(cpu?.processes.map((p) => p.command))).toBe(true);
    const put = pushes.find((p) => p.url.includes('/job/flopmeter'));
    expect(put?.method).toBe('PUT');
    expect(put?.body).toMatch(/flopmeter_probe_energy_joules_per_unit\{[^}]*probe="external"[^}]*workload="py-bench@1.0"[^}]*work_unit="token"/);
  }, 60_000);

  it('measures a Node.js command on RAPL alone, and compare matches external results by workload name and version', async () => {
    const run = (name: string, workload: string) => measure(name, ['--device', 'cpu0', '--workload', workload, '--work-unit', 'request', '--', process.execPath, MJS, '3', '10', '10', '0.5']);
    const [a, b, c] = [await run('node-a', 'node-bench@1'), await run('node-b', 'node-bench@1'), await run('node-c', 'node-bench@2')];
    for (const x of [a, b, c]) expect(x.code, x.stderr).toBe(0);
    const ra = a.report!.results[0]!;
    expect(a.report!.results).toHaveLength(1);
    expectNear(ra.energy?.perUnit.value, RAPL_WATTS / 100, 'J/request');

    type Rows = { rows: Array<{ params: Record<string, string>; cells: Array<{ result: string | null; comparable: boolean; reason: string | null }> }> };
    const match = JSON.parse((await runCli(['compare', a.out, b.out, '-f', 'json'])).stdout) as Rows;
    expect(match.rows).toHaveLength(1);
    expect(match.rows[0]!.cells.map((x) => x.comparable)).toEqual([true, true]);
    const mismatch = JSON.parse((await runCli(['compare', a.out, c.out, '-f', 'json'])).stdout) as Rows;
    // Another version is another workload: two rows, each with one report's result only.
    expect(mismatch.rows.map((r) => r.params.workload).sort()).toEqual(['node-bench@1', 'node-bench@2']);
    for (const row of mismatch.rows) expect(row.cells.filter((x) => x.result !== null)).toHaveLength(1);
  }, 90_000);

  it('refuses to compare external results without a declared workload', async () => {
    const run = (name: string) => measure(name, ['--device', 'cpu0', '--work', '100', '--', 'sleep', '2']);
    const [a, b] = [await run('undeclared-a'), await run('undeclared-b')];
    const cmp = JSON.parse((await runCli(['compare', a.out, b.out, '-f', 'json'])).stdout) as { rows: Array<{ cells: Array<{ comparable: boolean; reason: string | null }> }> };
    expect(cmp.rows[0]!.cells[1]).toMatchObject({ comparable: false, reason: expect.stringMatching(/without a declared workload/) });
  }, 60_000);

  it('takes --work N for a command that cannot report: energy per unit from the total', async () => {
    const r = await measure('work-total', ['--device', 'cpu0', '--work', '600', '--work-unit', 'step', '--', 'sleep', '3']);
    expect(r.code, r.stderr).toBe(0);
    const x = r.report!.results[0]!;
    expect(x.external!.workSource).toBe('total');
    expect(x.work.total).toBe(600);
    expectNear(x.throughput?.value, 200, 'throughput');
    expectNear(x.energy?.perUnit.value, (RAPL_WATTS * 3) / 600, 'J/step');
    expect(x.notes.join('\n')).toMatch(/--work 600/);
    expect(x.notes.join('\n')).toMatch(/no "warmup-done" mark: the whole run is measured/);
  }, 30_000);

  it('gives energy and power only, with the reason, for a command that reports no work', async () => {
    const r = await measure('no-work', ['--device', 'cpu0', '--json', '--', 'sh', '-c', 'echo child-says-hi; sleep 2']);
    expect(r.code, r.stderr).toBe(0);
    // --json: stdout is the report alone; the command's own output goes to stderr.
    expect((JSON.parse(r.stdout) as Report).results[0]!.probe).toBe('external');
    expect(r.stderr).toContain('child-says-hi');
    const x = r.report!.results[0]!;
    expect(x.status).toBe('completed');
    expect(x.throughput).toBeNull();
    expect(x.unavailable.throughput).toMatch(/reported no work/);
    expectNear(x.power?.value, RAPL_WATTS, 'power');
    expectNear(x.external!.energyJoules ?? undefined, RAPL_WATTS * 2, 'energy');
  }, 30_000);

  it('writes the report of a failing command: errored, its exit code and the tail of its stderr', async () => {
    const code = "import sys,time\nsys.path.insert(0, sys.argv[1])\nfrom flopmeter_work import work\nfor i in range(20):\n  work(5); time.sleep(0.1)\nsys.stderr.write('CUDA error: out of memory\\n'); sys.exit(3)";
    const r = await measure('failing', ['--device', 'cpu0', '--workload', 'oom@1', '--', 'python3', '-c', code, join(ROOT, 'examples')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CUDA error: out of memory');
    const x = r.report!.results[0]!;
    expect(x.status).toBe('errored');
    expect(x.reason).toMatch(/exited with code 3: CUDA error: out of memory/);
    expect(x.external).toMatchObject({ exit: { code: 3, signal: null }, stderrTail: 'CUDA error: out of memory\n' });
    expect(x.work.total).toBe(100);
  }, 30_000);

  it('forwards Ctrl-C to the command, writes the partial report and exits 130', async () => {
    const marker = join(dir, 'child-got-sigint');
    const code = `import signal,sys,time\nsys.path.insert(0, sys.argv[1])\nfrom flopmeter_work import work\ndef stop(*_):\n  open(sys.argv[2], 'w').write('SIGINT'); sys.exit(0)\nsignal.signal(signal.SIGINT, stop)\nprint('ready', flush=True)\nwhile True:\n  work(5); time.sleep(0.05)`;
    let sent = false;
    const r = await measure('interrupted', ['--device', 'cpu0', '--workload', 'forever@1', '--', 'python3', '-c', code, join(ROOT, 'examples'), marker], {
      onStart: (kill, output) => {
        const poll = setInterval(() => {
          // Two seconds after the command said it is ready: some work measured, then Ctrl-C (SIGINT to flopmeter alone).
          if (!sent && output().includes('ready')) {
            sent = true;
            setTimeout(() => kill('SIGINT'), 2000);
          }
          if (sent) clearInterval(poll);
        }, 50);
      },
    });
    expect(r.code, r.stderr).toBe(130);
    expect(readFileSync(marker, 'utf8')).toBe('SIGINT');
    expect(r.report!.status).toBe('interrupted');
    const x = r.report!.results[0]!;
    expect(x.status).toBe('aborted');
    expect(x.work.total).toBeGreaterThan(0);
    expect(x.energy?.joules).toBeGreaterThan(0);
  }, 30_000);

  it('counts malformed and hostile work lines on the FIFO and keeps the good ones', async () => {
    const code = `
      const { openSync, writeSync } = require('node:fs');
      const fd = openSync(process.env.FLOPMETER_WORK_FILE, 'w');
      const w = (s) => writeSync(fd, s + '\\n');
      const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      for (const bad of ['{"work": 1e400}', '{"work": NaN}', '{"work": -5}', '{"work": 1e13}', '{"work": 2.5}', 'not json', '{"latency": "fast"}', '{"work": 1, "extra": 2}', '[1,2]'])
        w(bad);
      w('{"work": ' + '9'.repeat(10 * 1024 * 1024) + '}');
      for (let i = 0; i < 25; i++) { w('{"work": 4}'); sleep(100); }`;
    const r = await measure('hostile', ['--device', 'cpu0', '--', process.execPath, '-e', code]);
    expect(r.code, r.stderr).toBe(0);
    const x = r.report!.results[0]!;
    expect(x.status).toBe('completed');
    expect(x.external).toMatchObject({ malformedLines: 10, workLines: 35, workSource: 'lines' });
    expect(x.work.total).toBe(100);
    expect(x.notes.join('\n')).toMatch(/10 malformed work line\(s\) skipped: line 1: .*/);
  }, 30_000);

  it('does not wait for what the command left running holding its pipes', async () => {
    // The background sleep keeps the work pipe (not stdout or stderr, which the test's own pipes would wait for).
    const script = 'sleep 30 >/dev/null 2>&1 & for i in 1 2 3 4 5 6; do echo \'{"work": 5}\' >&"$FLOPMETER_WORK_FD"; sleep 0.25; done';
    const started = Date.now();
    const r = await measure('left-running', ['--device', 'cpu0', '--', 'sh', '-c', script], { env: {} });
    expect(r.code, r.stderr).toBe(0);
    expect(r.report!.results[0]!.work.total).toBe(30);
    // The background sleep holds the work pipe for 30 s; the report comes well before.
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 40_000);

  it('refuses a command that cannot be started, and a missing command, as usage errors', async () => {
    const missing = await measure('missing', ['--device', 'cpu0', '--', join(dir, 'no-such-program')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/could not start/);
    const help = await runCli(['measure', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/FLOPMETER_WORK_FD .*\{"mark": "warmup-done"\}/);
    const none = await measure('none', []);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give the command to measure after --/);
  }, 30_000);
});
