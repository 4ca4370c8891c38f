/**
 * `npm run device:check`, rehearsed on the emulated GPU stack (the C fakes of
 * tests/fixtures first on LD_LIBRARY_PATH, lavapipe for WebGPU): the built
 * script spawned as a GPU host runs it, its files, summary and exit codes; and
 * the step runner's time bound against real child processes.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allotSeconds, lastTellingLine, runCommand } from '../../scripts/device-check/run-step.js';
import { fakeLibraryPath, hasCompiler } from '../fixtures/fakes.js';
import { ROOT, expectValidReport, requireComponent, tempDir } from '../helpers.js';

const SCRIPT = join(ROOT, 'dist', 'scripts', 'device-check.js');

function check(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the step runner', () => {
  it('interrupts a step at its limit with SIGINT, so it can save its work, and reports it timed out', async () => {
    const log = join(tempDir(), 'log');
    const script = "process.on('SIGINT', () => { console.log('saved partial work'); process.exit(130); }); console.log('started'); setInterval(() => {}, 1000);";
    const r = await runCommand(['-e', script], { cwd: ROOT, logFile: log, limitSeconds: 1, graceSeconds: 5 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBe(130);
    expect(r.seconds).toBeLessThan(5);
    expect(r.lastLine).toBe('saved partial work');
    expect(readFileSync(log, 'utf8')).toMatch(/started\n[\s\S]*time limit of 1 s reached[\s\S]*saved partial work/);
  });

  it('kills a step that ignores SIGINT once the grace period is over', async () => {
    const log = join(tempDir(), 'log');
    const r = await runCommand(['-e', "process.on('SIGINT', () => {}); setInterval(() => {}, 1000);"], { cwd: ROOT, logFile: log, limitSeconds: 0.5, graceSeconds: 0.5 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
  });

  it('passes a step that ends in time, with its exit code and its stdout where asked', async () => {
    const dir = tempDir();
    const r = await runCommand(['-e', "console.log('{\"a\":1}'); console.error('to the log'); process.exitCode = 3;"], { cwd: ROOT, logFile: join(dir, 'log'), stdoutFile: join(dir, 'out.json'), limitSeconds: 10 });
    expect(r).toMatchObject({ timedOut: false, exitCode: 3 });
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'))).toEqual({ a: 1 });
    expect(readFileSync(join(dir, 'log'), 'utf8')).toBe('to the log\n');
  });

  it('names an error by its message, not its stack or a pointer to --help', () => {
    expect(lastTellingLine('file:///x.js:51\n  throw new UsageError(x);\n        ^\n\nUsageError: --param n=1: too small\n    at planProbes (file:///x.js:51:27)\n\nNode.js v20.20.2\n')).toBe('UsageError: --param n=1: too small');
    expect(lastTellingLine('flopmeter: unknown probe nope\n(see flopmeter --help)\n')).toBe('flopmeter: unknown probe nope');
    expect(lastTellingLine('\u001b[31mError: Test timed out\u001b[39m\n\u001b[31m\u001b[2m⎯⎯⎯⎯[1/1]⎯\u001b[22m\u001b[39m\n\n')).toBe('Error: Test timed out');
  });

  it('gives a step its cap, less what the steps after it keep', () => {
    expect(allotSeconds(60, 400, 100)).toBe(60);
    expect(allotSeconds(200, 250, 100)).toBe(150);
    expect(allotSeconds(60, 50, 100)).toBe(0);
  });
});

describe('npm run device:check', () => {
  it('rehearses every step but tests/device on the emulated GPU stack: five files, a summary, exit 0', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (for the emulated GPU stack)');
    const out = tempDir();
    const env = { LD_LIBRARY_PATH: fakeLibraryPath('nvml', 'cuda', 'nvrtc', 'cublas'), FLOPMETER_CACHE_DIR: join(out, '..', 'cuda-cache'), OUT: out };
    const only = 'devices,bench-cuda,bench-webgpu,bench-models,run,report,serve';
    const r = await check(['--rehearse', '--only', only, '--run-probes', 'stream,launch-latency', '--serve-seconds', '3'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['device-check.log', 'metrics.txt', 'report.html', 'results.json', 'summary.txt']);
    for (const f of readdirSync(out)) expect(statSync(join(out, f)).size).toBeLessThan(16 * 2 ** 20);
    const summary = readFileSync(join(out, 'summary.txt'), 'utf8');
    expect(r.stdout).toContain(summary);
    for (const id of only.split(',')) expect(summary).toMatch(new RegExp(`^${id} +passed`, 'm'));
    expect(summary).toContain('NVIDIA Fake GPU 0 (Hopper), driver 999.99.99');
    expect(summary).toMatch(/stream triad vs the CUDA backend’s triad +\d/);
    expect(summary).toContain('every step passed');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.steps.map((s: { id: string }) => s.id)).toEqual(only.split(','));
    expectValidReport(results.run);
    expect(results.run.results.some((x: { device: string; status: string }) => x.device === 'cuda0' && x.status === 'completed')).toBe(true);
    expect(Object.keys(results.bench).sort()).toEqual(['cuda', 'models', 'webgpu']);
    expect(readFileSync(join(out, 'metrics.txt'), 'utf8')).toMatch(/^flopmeter_device_power_watts\{/m);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  }, 600_000);

  it('exits 1 naming the step that failed, and skips what depended on it', async () => {
    const out = tempDir();
    const r = await check(['--only', 'run,report', '--run-probes', 'no-such-probe'], { OUT: out });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^run +failed .*exit 2: .*no-such-probe/m);
    expect(r.stdout).not.toContain('--help');
    expect(r.stdout).toMatch(/^report +skipped .*left no report/m);
    expect(r.stdout).toMatch(/FAILED: run \(failed: exit 2.*report \(skipped\)/);
  });

  it('refuses unknown steps and a missing output folder with exit 2', async () => {
    const bad = await check(['--only', 'devices,nope'], { OUT: tempDir() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the steps are devices, device-tests, bench-cuda');
    const noOut = await check([], { OUT: '' });
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('set OUT or give --out');
  });
});
