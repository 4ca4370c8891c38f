/**
 * The steps of `npm run device:check`, in order, as data: what each runs,
 * how long it may take, and what it leaves for the bundle. The caps are sized
 * from the emulated rehearsal and the H100 figures in
 * ../shared/reference/metrology.md so that the whole check ends within its
 * 7.5 minute deadline; each `reserveSeconds` is kept for that step however
 * long the earlier ones take.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signalGroup, type CommandRun } from './run-step.js';

export interface CheckContext {
  /** The project root (where the check runs its commands). */
  root: string;
  /** Where the deliverables go ($OUT). */
  out: string;
  /** Scratch folder for intermediate files. */
  work: string;
  /** Small sizes on whatever devices are here (the emulated stack), instead of GPU-only figures. */
  rehearse: boolean;
  /** Backends the devices step found available; null when that step has not run (then the run uses every available one). */
  backends: string[] | null;
  /** Probes of the run step (default every probe). */
  runProbes: string | undefined;
  /** How long `flopmeter serve` runs before /metrics is saved, seconds. */
  serveSeconds: number;
  /** Loopback port for `flopmeter serve`. */
  port: number;
  /** What the steps produced, written to results.json. */
  bundle: Record<string, unknown>;
}

export interface Step {
  id: string;
  title: string;
  /** Longest this step may take, seconds. */
  capSeconds: number;
  /** Time kept for this step when earlier steps overrun, seconds. */
  reserveSeconds: number;
  /** Arguments to `node` (from the project root). */
  argv(ctx: CheckContext): string[];
  /** Where stdout goes instead of the log (a command that prints data). */
  stdoutFile?(ctx: CheckContext): string;
  /** Why the step cannot run now, if it cannot. */
  skip?(ctx: CheckContext): string | null;
  /** Whether the command's ending counts as success (default: exit code 0). */
  exitOk?(run: CommandRun): boolean;
  /** Runs beside the command. */
  beside?(ctx: CheckContext, child: ChildProcess): Promise<void>;
  /** Reads what the command left into the bundle; returns one line of detail, or throws saying what is wrong. */
  collect(ctx: CheckContext, run: CommandRun): string;
}

const CLI = 'bin/flopmeter.js';
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const GPU_FIRST = ['cuda', 'webgpu'];

/** Options every benchmark gets here: one round at the quick preset, GPU-only on a host, small on a rehearsal. */
const benchArgs = (ctx: CheckContext, name: string): string[] => ['--rounds', '1', '--preset', 'quick', '--gpu-only', ...(ctx.rehearse ? ['--rehearse'] : []), '--out', join(ctx.work, `${name}.json`)];

function benchStep(id: string, file: string, capSeconds: number, reserveSeconds: number): Step {
  return {
    id,
    title: `npm run bench:${file} (${id === 'bench-cuda' ? 'all' : 'GPU'} parts)`,
    capSeconds,
    reserveSeconds,
    argv: (ctx) => [`dist/bench/${file}.js`, ...benchArgs(ctx, id)],
    collect(ctx) {
      const figures = readJson(join(ctx.work, `${id}.json`));
      ((ctx.bundle.bench as Record<string, unknown>) ??= {})[file] = figures;
      const goals = (figures.goals ?? []) as Array<{ met: boolean | null }>;
      return `${goals.length} goals: ${goals.filter((g) => g.met === true).length} met, ${goals.filter((g) => g.met === false).length} not met, ${goals.filter((g) => g.met === null).length} without a figure`;
    },
  };
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: Array<{ assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }> }>;
}

const devices: Step = {
  id: 'devices',
  title: 'flopmeter devices --json',
  capSeconds: 60,
  reserveSeconds: 10,
  argv: () => [CLI, 'devices', '--json'],
  stdoutFile: (ctx) => join(ctx.work, 'devices.json'),
  collect(ctx) {
    const d = readJson(join(ctx.work, 'devices.json'));
    ctx.bundle.devices = d;
    const available = (d.backends as Array<{ id: string; available: boolean; reason: string | null }>).filter((b) => b.available).map((b) => b.id);
    ctx.backends = [...GPU_FIRST.filter((b) => available.includes(b)), ...available.filter((b) => !GPU_FIRST.includes(b))];
    const names = (d.devices as Array<{ id: string; name: string }>).map((x) => `${x.id} ${x.name}`);
    return `backends ${ctx.backends.join(', ') || 'none'}; ${names.join('; ')}`;
  },
};

const deviceTests: Step = {
  id: 'device-tests',
  title: 'tests/device (vitest)',
  capSeconds: 150,
  reserveSeconds: 45,
  argv: (ctx) => ['node_modules/vitest/vitest.mjs', 'run', 'tests/device', '--reporter=default', '--reporter=json', `--outputFile.json=${join(ctx.work, 'device-tests.json')}`],
  collect(ctx) {
    const v = readJson(join(ctx.work, 'device-tests.json')) as unknown as VitestJson;
    const tests = v.testResults.flatMap((f) => f.assertionResults.map((a) => ({ name: a.fullName, status: a.status, failure: a.failureMessages[0]?.split('\n')[0] ?? null })));
    ctx.bundle.deviceTests = tests;
    const counts = `${v.numPassedTests} passed, ${v.numFailedTests} failed, ${v.numPendingTests} skipped`;
    if (v.numPassedTests === 0) throw new Error(`no device test ran (${counts}): no GPU was found`);
    return counts;
  },
};

const run: Step = {
  id: 'run',
  title: 'flopmeter run --preset quick (every backend)',
  capSeconds: 180,
  reserveSeconds: 60,
  // A 1 s cap per result keeps ~80 quick results within the step; cut short, it still writes the results it finished.
  // No history: a check's quick runs are not the host's measurements.
  argv: (ctx) => [CLI, 'run', '--preset', 'quick', '--max-seconds', '1', '--no-progress', '--no-history', ...(ctx.backends ? ['-b', ctx.backends.join(',')] : []), ...(ctx.runProbes ? ['-p', ctx.runProbes] : []), '-o', join(ctx.work, 'run.json')],
  skip: (ctx) => (ctx.backends?.length === 0 ? 'no available backend (the devices step found none)' : null),
  collect(ctx) {
    const report = readJson(join(ctx.work, 'run.json'));
    ctx.bundle.run = report;
    const by = new Map<string, string[]>();
    for (const r of report.results as Array<{ id: string; status: string }>) by.set(r.status, [...(by.get(r.status) ?? []), r.id]);
    const bad = [...(by.get('errored') ?? []), ...(by.get('invalid') ?? [])];
    const counts = [...by].map(([s, ids]) => `${ids.length} ${s}`).join(', ');
    if (bad.length) throw new Error(`${counts}; not completed: ${bad.join(', ')}`);
    return counts;
  },
};

const report: Step = {
  id: 'report',
  title: 'flopmeter report --format html',
  capSeconds: 60,
  reserveSeconds: 15,
  argv: (ctx) => [CLI, 'report', join(ctx.work, 'run.json'), '--format', 'html', '-o', join(ctx.out, 'report.html')],
  skip: (ctx) => (existsSync(join(ctx.work, 'run.json')) ? null : 'the run step left no report'),
  collect: (ctx) => `report.html, ${(statSync(join(ctx.out, 'report.html')).size / 2 ** 20).toFixed(2)} MiB`,
};

/** Waits until /metrics answers (the exporter has started), then until `serveSeconds` have passed, saves /metrics and stops the server. */
async function scrapeThenStop(ctx: CheckContext, child: ChildProcess): Promise<void> {
  const started = performance.now();
  const url = `http://127.0.0.1:${ctx.port}/metrics`;
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  let up = false;
  while (!up && child.exitCode === null && performance.now() - started < ctx.serveSeconds * 1000) {
    up = await fetch(url).then((r) => r.ok, () => false);
    if (!up) await sleep(250);
  }
  await sleep(Math.max(0, ctx.serveSeconds * 1000 - (performance.now() - started)));
  const res = await fetch(url);
  writeFileSync(join(ctx.out, 'metrics.txt'), await res.text());
  signalGroup(child, 'SIGTERM');
}

const serve: Step = {
  id: 'serve',
  title: 'flopmeter serve (/metrics saved)',
  capSeconds: 60,
  reserveSeconds: 45,
  argv: (ctx) => [CLI, 'serve', '--listen', `127.0.0.1:${ctx.port}`],
  beside: scrapeThenStop,
  // Stopped by the check with SIGTERM once /metrics is saved.
  exitOk: (r) => r.exitCode === 0 || r.exitCode === 143 || r.signal === 'SIGTERM',
  collect(ctx) {
    const text = readFileSync(join(ctx.out, 'metrics.txt'), 'utf8');
    const samples = text.split('\n').filter((l) => l && !l.startsWith('#'));
    const power = samples.filter((l) => l.startsWith('flopmeter_device_power_watts')).length;
    return `${samples.length} samples after ${ctx.serveSeconds} s; ${power ? `${power} power series` : 'no power series'}`;
  },
};

/** The check's steps, in the order the issue gives. */
export const STEPS: readonly Step[] = [
  devices,
  deviceTests,
  benchStep('bench-cuda', 'cuda', 150, 60),
  benchStep('bench-webgpu', 'webgpu', 75, 30),
  benchStep('bench-models', 'models', 75, 30),
  run,
  report,
  serve,
];
