/**
 * Test helpers: running the built CLI as a user would, temporary directories,
 * live RAPL fixture trees, schema checks, and the rule that under CI=true a
 * missing real component fails instead of skipping.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type TestContext } from 'vitest';
import { validateReport } from '../src/report/validate.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'flopmeter.js');

/** Skips the test when a real component is missing, except under CI=true, where that is a failure. */
export function requireComponent(ctx: TestContext, available: boolean, what: string): void {
  if (available) return;
  if (process.env.CI === 'true') throw new Error(`${what} is required under CI=true (the setup script installs it)`);
  ctx.skip(`${what} is not available here`);
}

/** Skips a test that needs real hardware (tests/device/), printing why; never a CI failure. */
export function requireDevice(ctx: TestContext, available: boolean, why: string): void {
  if (available) return;
  console.warn(`skipped (needs real hardware): ${why}`);
  ctx.skip(why);
}

const tempDirs: string[] = [];

/** A fresh directory under the system's temporary one, removed after the test file (removeTempDirs, tests/setup-env.ts). */
export function tempDir(prefix = 'flopmeter-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes every directory tempDir made in this test file. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) removeDir(dir);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time, seconds. */
  seconds: number;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Called once the process has started, with a way to send it a signal, and its pid. */
  onStart?: (kill: (sig: NodeJS.Signals) => void, output: () => string, pid: number) => void;
}

/** Runs the built `flopmeter` as a separate process. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, FORCE_COLOR: '0', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 110_000);
    opts.onStart?.((sig) => child.kill(sig), () => stdout + stderr, child.pid ?? 0);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** What a person at a terminal can do while the CLI runs. */
export interface Terminal {
  /** Types keys (Ctrl-C is "\x03"). */
  type(keys: string): void;
  /** Closes the terminal, as when a window is closed or an SSH session drops: the CLI gets SIGHUP, and its terminal is gone. */
  hangUp(): void;
  /** Sends a signal to the CLI's process itself (as `kill` or a service manager does). */
  kill(signal: NodeJS.Signals): void;
}

/**
 * Runs the built CLI under a pseudo-terminal (util-linux `script`), as a
 * person runs it: the progress display shows, and Ctrl-C is the terminal's
 * interrupt character, not a signal sent by the test. `onOutput` sees
 * everything printed so far, each time more comes. Resolves when the
 * terminal closes, with the CLI's exit code (null after a hang-up).
 */
export function runInTerminal(args: string[], onOutput: (output: string, terminal: Terminal) => void, timeoutMs = 110_000): Promise<{ code: number | null; output: string }> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // A wide terminal, so the progress line is not cut; exec makes the CLI the terminal's controlling process.
  const child = spawn('script', ['-q', '-e', '-c', `stty cols 200 rows 50; exec ${quoted}`, '/dev/null'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const terminal: Terminal = {
    type: (keys) => child.stdin.write(keys),
    hangUp: () => child.kill('SIGKILL'),
    // The CLI is `script`'s only child (Linux lists it in /proc).
    kill: (signal) => process.kill(Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0]), signal),
  };
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      onOutput(output, terminal);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Asserts that a report conforms to the published schema. */
export function expectValidReport(report: unknown): void {
  expect(validateReport(report)).toEqual([]);
}

/** Writes a file atomically (as the kernel updates sysfs: a reader never sees half a value). */
export function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export interface RaplZoneFixture {
  dir: string;
  name: string;
  maxRangeUj: number;
  energyUj: number;
}

/** A powercap tree with intel-rapl zones, as Linux lays it out. */
export function makeRaplTree(root: string, zones: ReadonlyArray<Omit<RaplZoneFixture, 'energyUj'> & { energyUj?: number }>): void {
  for (const z of zones) {
    const dir = join(root, z.dir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'name'), `${z.name}\n`);
    writeFileSync(join(dir, 'max_energy_range_uj'), `${z.maxRangeUj}\n`);
    writeFileSync(join(dir, 'energy_uj'), `${z.energyUj ?? 0}\n`);
  }
}

/**
 * A live package zone: its counter advances at `watts` (wrapping at
 * maxRangeUj) until stopped, as a real RAPL counter would under load. The
 * counter is written by its own process at a raised priority, as the kernel
 * writes its own: written from the test's event loop, or from a thread that
 * competes with the measured workers for the CPU, it went stale during the
 * windows that saturate the cores, and they saw less energy than went by.
 * Resolves once the counter is running.
 */
export async function liveRapl(root: string, watts: number, maxRangeUj = 2 ** 32): Promise<{ stop: () => void }> {
  makeRaplTree(root, [{ dir: 'intel-rapl:0', name: 'package-0', maxRangeUj }]);
  const path = join(root, 'intel-rapl:0', 'energy_uj');
  const t0 = process.hrtime.bigint();
  const code = `
    const { writeFileSync, renameSync } = require('node:fs');
    const [path, watts, maxRangeUj, t0] = process.argv.slice(1);
    const tick = () => {
      const seconds = Number(process.hrtime.bigint() - BigInt(t0)) / 1e9;
      writeFileSync(path + '.tmp', Math.floor((Number(watts) * seconds * 1e6) % Number(maxRangeUj)) + '\\n');
      renameSync(path + '.tmp', path);
    };
    setInterval(tick, 2);`;
  writeAtomically(path, '0\n');
  // nice -n -10 needs root (the tests run as root here and in CI); elsewhere nice says so and runs it at normal priority.
  const child = spawn('nice', ['-n', '-10', process.execPath, '-e', code, path, String(watts), String(maxRangeUj), String(t0)], { stdio: 'ignore' });
  const stop = (): void => void child.kill('SIGKILL');
  // Until the writer has started the counter sits at 0 and would then jump: wait for its first value.
  for (let i = 0; readFileSync(path, 'utf8') === '0\n'; i++) {
    if (i > 500) {
      stop();
      throw new Error('the RAPL fixture’s writer did not start within 5 s');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { stop };
}

export function removeDir(dir: string): void {
  // Retried: a fixture's writer process may put one more file there as it is killed.
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
}
