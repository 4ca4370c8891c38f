/**
 * flopmeter installed as an operator installs it: `npm pack` of this (built)
 * checkout, `npm install -g --prefix <temp>` of the tarball from the local npm
 * cache (production dependencies only), then the installed command run from a
 * directory outside the repository: `devices`, `run --preset quick` and `serve`
 * answering /metrics; the shipped systemd unit verified against the installed
 * command; and the optional large parts (TensorFlow.js, Vega, Dawn) removed from the
 * install without breaking a CPU probe run, as they load only when used. Slow
 * (an install of ~180 packages): one file, generous timeouts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidReport, removeDir, requireComponent, ROOT, tempDir } from '../helpers.js';
import { hasCommand, waitFor } from '../exporter/prometheus-tools.js';
import { verifyShippedUnit } from '../deploy/systemd.js';

/** The environment of the installed command: no npm_* variables of the test runner's npm, node on PATH. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, FORCE_COLOR: '0', PATH: `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}` };
}

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 400_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return r.stdout;
}

interface Ran { code: number | null; stdout: string; stderr: string }

/** Runs the installed `flopmeter` in `cwd`. */
function flopmeter(bin: string, args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // 200 s: the quick preset's one result takes seconds; this only stops a hung run.
    const timer = setTimeout(() => child.kill('SIGKILL'), 200_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('flopmeter installed from its npm tarball', () => {
  let dir = '';
  let tarball = '';
  let prefix = '';
  let bin = '';
  let pkg = '';
  let work = '';
  const npmThere = hasCommand('npm');

  beforeAll(() => {
    if (!npmThere) return;
    dir = tempDir('flopmeter-install-');
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], ROOT)) as Array<{ filename: string }>;
    tarball = join(dir, packed[0]!.filename);
    prefix = join(dir, 'prefix');
    npm(['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], dir);
    bin = join(prefix, 'bin', 'flopmeter');
    pkg = join(prefix, 'lib', 'node_modules', 'flopmeter');
    work = join(dir, 'work');
    mkdirSync(work);
  }, 600_000);

  afterAll(() => {
    if (dir) removeDir(dir);
  });

  it('packs what runs, and no sources, tests or per-host native kernels', (ctx) => {
    requireComponent(ctx, npmThere, 'npm');
    const files = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const f of ['bin/flopmeter.js', 'dist/src/cli/main.js', 'dist/scripts/build-native.js', 'dist/kernels/cpu/gemm.wasm', 'kernels/cpu-native/vector.h', 'kernels/webgpu/gemm.wgsl', 'schemas/report-1.schema.json', 'dashboards/flopmeter-fleet.json', 'dashboards/alerts/flopmeter.rules.yml', 'deploy/flopmeter.service', 'deploy/flopmeter.env', 'README.md', 'LICENSE', 'examples/flopmeter_work.py', 'examples/flopmeter-work.mjs']) {
      expect(files, f).toContain(`package/${f}`);
    }
    expect(files.filter((f) => /^package\/(src|tests|dist\/native|dist\/bench)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
  });

  it('installs the command with production dependencies only', (ctx) => {
    requireComponent(ctx, npmThere, 'npm');
    expect(existsSync(bin)).toBe(true);
    const deps = readdirSync(join(pkg, 'node_modules'));
    expect(deps).toEqual(expect.arrayContaining(['prom-client', 'koffi', 'yargs']));
    for (const dev of ['vitest', 'typescript', 'eslint', 'autocannon', 'playwright-core', 'wabt']) expect(deps, dev).not.toContain(dev);
  });

  it('lists the devices from a directory outside the repository', async (ctx) => {
    requireComponent(ctx, npmThere, 'npm');
    const r = await flopmeter(bin, ['devices'], work);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^cpu\s+available/m);
    // The tarball carries no native kernels (they are built per host): WebAssembly runs, and says so.
    expect(r.stdout).toContain('native kernels not used');
  });

  it('runs the quick preset and writes a valid report in the current directory', async (ctx) => {
    requireComponent(ctx, npmThere, 'npm');
    const r = await flopmeter(bin, ['run', '--preset', 'quick', '-b', 'cpu', '-p', 'reduce'], work);
    expect(r.code, r.stderr).toBe(0);
    const written = readdirSync(work).filter((f) => /^flopmeter-.+\.json$/.test(f));
    expect(written).toHaveLength(1);
    const report = JSON.parse(readFileSync(join(work, written[0]!), 'utf8')) as { results: Array<{ probe: string; status: string }> };
    expectValidReport(report);
    expect(report.results.map((x) => [x.probe, x.status])).toEqual([['reduce', 'completed']]);
  });

  it('serves /metrics and stops on SIGTERM', async (ctx) => {
    requireComponent(ctx, npmThere, 'npm');
    const child = spawn(bin, ['serve', '--listen', '127.0.0.1:0'], { cwd: work, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      const url = await waitFor('the installed flopmeter serve to listen', async () => {
        if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${out}`);
        return /flopmeter exporter on (https?:\/\/[^\s]+)/.exec(out)?.[1];
      });
      const r = await fetch(`${url}/metrics`);
      expect(r.status).toBe(200);
      const body = await r.text();
      expect(body).toMatch(/^flopmeter_build_info\{/m);
      expect(body).toMatch(/^flopmeter_device_info\{.*device="cpu0"/m);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await closed).toBe(0);
  });

  it('ships a systemd unit that verifies with the installed command as ExecStart', (ctx) => {
    requireComponent(ctx, npmThere, 'npm');
    requireComponent(ctx, hasCommand('systemd-analyze'), 'systemd-analyze (Debian package systemd)');
    const r = verifyShippedUnit(bin, join(pkg, 'deploy', 'flopmeter.service'));
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  it('runs CPU probes with TensorFlow.js, Vega and Dawn removed: they load only when used', async (ctx) => {
    requireComponent(ctx, npmThere, 'npm');
    const modules = join(pkg, 'node_modules');
    for (const m of ['@tensorflow', 'vega', 'vega-lite', 'webgpu']) renameSync(join(modules, m), join(dir, m.replace('/', '_')));
    const r = await flopmeter(bin, ['run', '--preset', 'quick', '-b', 'cpu', '-p', 'reduce', '-o', 'without.json'], work);
    expect(r.code, r.stderr).toBe(0);
    const devices = await flopmeter(bin, ['devices'], work);
    expect(devices.code, devices.stderr).toBe(0);
    expect(devices.stdout).toMatch(/tfjs-wasm\s+on cpu\s+unavailable/);
    expect(devices.stdout).toMatch(/^webgpu\s+unavailable/m);
  });
});
