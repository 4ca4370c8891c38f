/**
 * The CLI end to end, on the built package, spawned as a user runs it.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectValidReport, removeDir, requireComponent, runCli, runInTerminal, tempDir } from '../helpers.js';
import { buildFake, fakeLibraryPath, hasCompiler } from '../fixtures/fakes.js';

const dir = tempDir('cli-');
afterAll(() => removeDir(dir));

/** Small sizes and 3 windows: seconds per result. */
const FAST = ['--preset', 'quick', '--windows', '3', '--param', 'reduce.n=2^20', '--param', 'stream.n=2^18', '--param', 'gemm.n=128'];

function readReport(path: string): { status: string; results: Array<Record<string, unknown>>; config: Record<string, unknown> } {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  expectValidReport(report);
  return report;
}

describe('flopmeter (the built CLI)', () => {
  it('explains itself with --help, including exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/flopmeter run/);
    expect(r.stdout).toMatch(/flopmeter devices/);
    expect(r.stdout).toMatch(/flopmeter probes/);
    expect(r.stdout).toMatch(/Exit codes: 0/);
    const help = r.stdout.replace(/\s+/g, ' '); // as wrapped to the terminal
    expect(help).toMatch(/70 internal error/);
    expect(help).toMatch(/130, 143, 129 stopped by SIGINT \(Ctrl-C\), SIGTERM or SIGHUP/);
    const run = await runCli(['run', '--help']);
    expect(run.stdout).toMatch(/--preset/);
    expect(run.stdout).toMatch(/--threads/);
  });

  it('lists the probes, as text and as JSON', async () => {
    const text = await runCli(['probes']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^stream: /m);
    const json = JSON.parse((await runCli(['probes', '--json'])).stdout) as Array<{ id: string; backends: string[] }>;
    expect(json.map((p) => p.id)).toEqual(['stream', 'fma-peak', 'gemm', 'reduce', 'launch-latency', 'transfer', 'mlp', 'cnn', 'transformer']);
    expect(json.filter((p) => p.backends.includes('cpu')).map((p) => p.id)).toEqual(['stream', 'fma-peak', 'gemm', 'reduce', 'launch-latency', 'mlp', 'cnn', 'transformer']);
    expect(json.find((p) => p.id === 'transfer')!.backends).toEqual(['cuda']);
  });

  it('lists devices with identity, limits and the reason each missing sensor is missing', async () => {
    const r = await runCli(['devices', '--json'], { env: { FLOPMETER_POWERCAP_ROOT: '/nonexistent/powercap' } });
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.backends[0]).toMatchObject({ id: 'cpu', available: true });
    expect(info.devices[0]).toMatchObject({ id: 'cpu0', backend: 'cpu', kind: 'cpu' });
    expect(info.devices[0].limits.maxAllocationBytes).toBe(2 ** 32);
    expect(info.missing.find((m: { quantity: string }) => m.quantity === 'energy').reason).toMatch(/RAPL/);
    expect(Object.keys(info.devices[0].peaks.flops).sort()).toEqual(['f32', 'f64']);
    const text = await runCli(['devices']);
    expect(text.stdout).toMatch(/cpu0 \(cpu\)/);
    expect(text.stdout).toMatch(/theoretical peak f32: (unknown|[\d.]+ [GTP]FLOP\/s)\n/);
  });

  it('runs a selection and writes a report that conforms to the schema', async () => {
    const out = join(dir, 'run.json');
    const r = await runCli(['run', '-b', 'cpu', '-p', 'reduce,launch-latency', ...FAST, '--threads', '2', '-o', out]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    // The headline first, then the results, each with the precision it reached; the precision line under them.
    expect(r.stdout).toMatch(/^cpu0: .+ \(cpu\)\n/);
    expect(r.stdout).toMatch(/^ *1 {2}reduce n=1048576 +cpu0 +(?:native-\w+|wasm-simd128) +[\d.]+ \S*byte\/s +±[\d.]+ % [✓✗] /m);
    expect(r.stdout).toMatch(/^precision: (all 2 results|\d of 2 results) /m);
    expect(r.stderr).toContain(`report: ${out}`);
    const report = readReport(out);
    expect(report.status).toBe('complete');
    expect(report.results.map((x) => x.status)).toEqual(['completed', 'completed']);
    expect(report.config).toMatchObject({ preset: 'quick', threads: 2, seed: 42, backends: ['cpu'], probes: ['reduce', 'launch-latency'] });
  });

  it('prints the report on stdout with --json, the summary going to stderr', async () => {
    const out = join(dir, 'json.json');
    const r = await runCli(['run', '-p', 'launch-latency', ...FAST, '--json', '-o', out]);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout);
    expectValidReport(printed);
    expect(printed).toEqual(JSON.parse(readFileSync(out, 'utf8')));
    expect(r.stderr).toMatch(/launch-latency/);
  });

  it('without --out, writes a timestamped report in the current directory and prints its path', async () => {
    const cwd = tempDir('cwd-');
    try {
      const r = await runCli(['-p', 'launch-latency', ...FAST], { cwd });
      expect(r.code).toBe(0);
      const files = readdirSync(cwd).filter((f) => /^flopmeter-\d{8}-\d{6}\.json$/.test(f));
      expect(files).toHaveLength(1);
      expect(r.stderr).toContain(join(cwd, files[0]!));
      readReport(join(cwd, files[0]!));
    } finally {
      removeDir(cwd);
    }
  });

  it('runs on the WebGPU backend and lists its adapters', async (ctx) => {
    const listed = JSON.parse((await runCli(['devices', '--json'])).stdout);
    const webgpu = listed.backends.find((b: { id: string }) => b.id === 'webgpu');
    requireComponent(ctx, webgpu?.available === true, `a WebGPU adapter (${webgpu?.reason})`);
    const adapter = listed.devices.find((d: { backend: string }) => d.backend === 'webgpu');
    expect(adapter.identity).toHaveProperty('isFallbackAdapter');
    const out = join(dir, 'webgpu.json');
    const r = await runCli(['run', '-b', 'webgpu', '-d', adapter.id, '-p', 'reduce,launch-latency', ...FAST, '-o', out]);
    expect(r.code).toBe(0);
    const report = readReport(out);
    expect(report.results.map((x) => [x.device, x.status])).toEqual([
      [adapter.id, 'completed'],
      [adapter.id, 'completed'],
    ]);
    expect((report.results[0]!.latency as { timer: { kind: string } }).timer.kind).toBe(adapter.identity.features.includes('timestamp-query') ? 'device' : 'host-monotonic');
  });

  it('refuses, before running, a WebGPU size over the adapter’s binding limit', async (ctx) => {
    const listed = JSON.parse((await runCli(['devices', '--json'])).stdout);
    const adapter = listed.devices.find((d: { backend: string }) => d.backend === 'webgpu');
    requireComponent(ctx, adapter !== undefined, 'a WebGPU adapter');
    const limit: number = adapter.limits.maxStorageBufferBindingSize;
    if (limit >= 2 ** 30) ctx.skip(`this adapter binds ${limit} bytes, more than the largest STREAM array`);
    const n = 2 ** Math.ceil(Math.log2(limit / 4 + 1));
    const r = await runCli(['run', '-b', 'webgpu', '-p', 'stream', '--param', `stream.n=${n}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`more than the adapter's maxStorageBufferBindingSize`);
    expect(r.stderr).toContain(`(${limit} bytes)`);
  });

  it('with a fake GPU stack first on LD_LIBRARY_PATH: lists the GPUs, matches them by PCI bus id, runs every probe, records their power', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (gcc) for the fake vendor libraries');
    const env = { LD_LIBRARY_PATH: `${buildFake('nvml')}:${buildFake('cuda')}` };
    const listed = JSON.parse((await runCli(['devices', '--json'], { env })).stdout);
    expect(listed.backends.find((b: { id: string }) => b.id === 'cuda')).toMatchObject({ available: true });
    expect(listed.devices.find((d: { id: string }) => d.id === 'cuda0')).toMatchObject({ name: 'NVIDIA Fake GPU 0', identity: { pciBusId: '0000:10:00.0' } });
    expect(listed.telemetryDevices.filter((t: { vendor: string }) => t.vendor === 'nvidia')).toEqual([
      expect.objectContaining({ id: 'nvidia:0000:10:00.0', name: 'NVIDIA Fake GPU 0', runs: ['cuda0'], identity: expect.objectContaining({ powerLimitWatts: 700, driverVersion: '999.99.99' }) }),
      expect.objectContaining({ id: 'nvidia:0000:11:00.0', runs: [] }), // NVML sees it; this fake CUDA shows one device
    ]);
    const text = await runCli(['devices'], { env });
    expect(text.stdout).toMatch(/nvidia:0000:10:00\.0: NVIDIA Fake GPU 0 — runs cuda0/);

    // Every probe on the emulated CUDA device, with NVML's power attached by PCI bus id.
    const out = join(dir, 'fake-gpu.json');
    const gpuEnv = { LD_LIBRARY_PATH: fakeLibraryPath('nvml', 'cuda', 'nvrtc', 'cublas'), FLOPMETER_CACHE_DIR: join(dir, 'cuda-cache') };
    const small = ['--param', 'stream.n=2^14', '--param', 'fma-peak.n=6144', '--param', 'fma-peak.k=64', '--param', 'gemm.n=64', '--param', 'reduce.n=2^16', '--param', 'transfer.bytes=1Mi'];
    const r = await runCli(['run', '-b', 'cuda', '--preset', 'quick', '--windows', '2', ...small, '-o', out], { env: gpuEnv });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const report = readReport(out);
    const byProbe = new Set(report.results.map((x) => x.probe));
    // The model probes' CUDA engine (tfjs-node-gpu) is not installed: a default run leaves them out and says why.
    expect([...byProbe]).toEqual(['stream', 'fma-peak', 'gemm', 'reduce', 'launch-latency', 'transfer']);
    const cudaNotes = (report as unknown as { backends: Array<{ id: string; notes: string[] }> }).backends.find((b) => b.id === 'cuda')!.notes;
    expect(cudaNotes).toContain('mlp, cnn, transformer: left out (@tensorflow/tfjs-node-gpu is not installed (an optional engine: `npm install @tensorflow/tfjs-node-gpu@4` to measure it))');
    expect(report.results.every((x) => x.status === 'completed')).toBe(true);
    const gemm = report.results.find((x) => x.probe === 'gemm' && (x.params as { dtype: string }).dtype === 'bf16')!;
    expect(gemm.engine).toBe('cuBLAS 13.0.0 cublasGemmEx (bf16)');
    const power = gemm.power as { value: number; method: string };
    expect(power.method).toBe('counter'); // NVML's energy counter, the device matched by PCI bus id
    expect(power.value).toBeGreaterThan(240);
    expect(power.value).toBeLessThan(260);
    const telemetry = (report as unknown as { telemetry: { devices: Array<{ id: string }> } }).telemetry;
    expect(telemetry.devices.map((d) => d.id)).toContain('nvidia:0000:10:00.0');

    // A driver that cannot give a context: that device's results are errored with the driver's reason; the run goes on.
    const broken = join(dir, 'fake-gpu-broken.json');
    const b = await runCli(['run', '-b', 'cuda,cpu', '-p', 'launch-latency', ...FAST, '-o', broken], { env: { ...gpuEnv, FAKE_CUDA_NO_CONTEXT: '1' } });
    expect(b.code).toBe(1);
    const brokenReport = readReport(broken);
    expect(brokenReport.results.map((x) => [x.device, x.status])).toEqual([
      ['cuda0', 'errored'],
      ['cpu0', 'completed'],
    ]);
    expect(brokenReport.results[0]!.reason).toMatch(/CUDA_ERROR_NOT_SUPPORTED \(801\): operation not supported/);
  });

  it('--windows with a time cap: the cap wins, the result says so', async () => {
    const out = join(dir, 'capped.json');
    const r = await runCli(['run', '-b', 'cpu', '-p', 'launch-latency', '--preset', 'quick', '--windows', '1000', '--max-seconds', '1', '--no-telemetry', '-o', out]);
    expect(r.code).toBe(0);
    const result = readReport(out).results[0]!;
    expect((result.windows as unknown[]).length).toBeLessThan(1000);
    expect(result.reason).toMatch(/^did not converge: reached the time cap of 1 s after \d+ of the 1000 windows asked for$/);
    expect(r.seconds).toBeLessThan(60); // 1000 quick windows would take minutes
  });

  it('--param for a probe that is not selected: a warning, never silence', async () => {
    const r = await runCli(['run', '-b', 'cpu', '-p', 'launch-latency', '--preset', 'quick', '--windows', '2', '--no-telemetry', '--param', 'gemm.n=128', '-o', join(dir, 'warned.json')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('flopmeter: warning: --param gemm.n=128: probe gemm is not selected (--probe launch-latency), so this has no effect');
  });

  describe('bad input: exit 2, a message naming the bad value and the valid ones, nothing run', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['an unknown backend', ['run', '--backend', 'tpu'], /--backend tpu: unknown backend; valid: cpu, cuda, webgpu/],
      ['an unknown device', ['run', '--device', 'gpu7', '-p', 'launch-latency'], /--device gpu7: no such device; valid: cpu0/],
      ['an unknown probe', ['run', '--probe', 'stream,linpack'], /--probe linpack: unknown probe; valid: stream, fma-peak, gemm, reduce, launch-latency, transfer/],
      ['an unknown preset', ['run', '--preset', 'fast'], /--preset fast: unknown preset; valid: quick, standard, full/],
      ['a parameter value outside its rules', ['run', '-p', 'gemm', '--param', 'gemm.n=100'], /gemm\.n=100: must be a multiple of 64/],
      ['a parameter no probe has', ['run', '-p', 'reduce', '--param', 'op=copy'], /no selected probe has a parameter "op"/],
      ['an unknown option', ['run', '--frobnicate'], /Unknown argument: frobnicate/],
      ['a bad thread count', ['run', '--threads', '0'], /--threads 0: must be a positive integer/],
      ['an unknown command', ['calibrate'], /Unknown argument: calibrate/],
      ['a number that is not one, echoed as typed', ['run', '--threads', 'abc'], /--threads abc: must be a positive integer/],
      ['an empty number', ['run', '--max-seconds', ''], /--max-seconds "": must be a positive number/],
      ['a number option given twice', ['run', '--threads', '2', '--threads', '3'], /--threads given 2 times \(2, 3\); give it once/],
      ['more windows than the bound', ['run', '--windows', '1e9', '--max-seconds', '1'], /--windows 1e9: at most 1000/],
      ['an empty probe list (not "every probe")', ['run', '-p', ''], /--probe "": names nothing; leave --probe out for every one/],
      ['a probe list of commas', ['run', '-p', ','], /--probe ",": names nothing/],
      ['an empty backend list', ['run', '-b', ''], /--backend "": names nothing; leave --backend out for every one, or name some \(valid: cpu, cuda, webgpu\)/],
      ['a parameter given twice', ['run', '-p', 'gemm', '--param', 'gemm.n=128', '--param', 'gemm.n=256'], /--param gemm\.n given twice \(gemm\.n=128, gemm\.n=256\); give every value in one list, e\.g\. gemm\.n=128,256/],
      ['a parameter named like an object property', ['run', '-p', 'stream', '--param', 'stream.constructor=1'], /probe stream has no parameter "constructor"/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const r = await runCli(args);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
        expect(r.stdout).toBe('');
      });
    }

    it('an unwritable --out path, before any probe runs', async () => {
      const r = await runCli(['run', '-o', '/nonexistent-dir/report.json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--out \/nonexistent-dir\/report\.json: cannot write there: directory \/nonexistent-dir does not exist/);
      expect(r.seconds).toBeLessThan(10);
    });

    it('a size that cannot fit, refused before allocating', async () => {
      // Without BLAS, GEMM at n = 16384 needs A, B, packed B and C: 4 GiB + 64 B, past wasm32's 4 GiB.
      const r = await runCli(['run', '-p', 'gemm', '--param', 'gemm.n=16384', '-o', join(dir, 'never.json')], { env: { FLOPMETER_BLAS: 'none' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cpu0\/gemm\/dtype=f32,n=16384: the kernel's buffers need 4\.0 GiB, more than the CPU backend's WebAssembly memory can address/);
      expect(existsSync(join(dir, 'never.json'))).toBe(false);
      expect(r.seconds).toBeLessThan(10);
    });
  });

  it('on Ctrl-C keeps finished results, marks the unfinished one aborted, writes the report and exits 130', async () => {
    const out = join(dir, 'interrupted.json');
    let pressed = false;
    // Each result in one stretch, so that the first is finished when the second starts.
    const args = ['run', '-b', 'cpu', '-p', 'stream,launch-latency', '--preset', 'quick', '--param', 'stream.op=copy', '--param', 'stream.n=2^18', '--windows', '15', '--no-interleave', '-o', out];
    const { code, output } = await runInTerminal(args, (text, terminal) => {
      if (!pressed && text.includes('[2/2]')) {
        pressed = true;
        setTimeout(() => terminal.type('\x03'), 300);
      }
    });
    expect(pressed).toBe(true);
    expect(output).toMatch(/\[1\/2\] [^·]+, ~[^·]+ left · cpu0\/stream\/op=copy,dtype=f64,n=262144 · window \d+/); // the progress display
    expect(output).toMatch(/interrupted \(SIGINT\): finishing the current step/);
    expect(code).toBe(130);
    const report = readReport(out);
    expect(report.status).toBe('interrupted');
    expect(report.config.interleave).toBe(false);
    expect(report.results.map((r) => r.status)).toEqual(['completed', 'aborted']);
  });
});
