/**
 * `npm run device:check`: everything that needs a real GPU, in one command
 * bounded in time, for a lent GPU host (run from the project root after the
 * `.gpuhost` prefix of ../shared/gpu-host/pack.sh; the host has no npm, so
 * there it is `node dist/scripts/device-check.js`). The steps are in
 * ./device-check/steps.ts. Everything goes to $OUT (or --out), five files:
 *   summary.txt      the one-screen summary (also printed)
 *   device-check.log every step's output, in order
 *   results.json     the devices, device tests, benchmark figures and the run's report
 *   report.html      the run's HTML report
 *   metrics.txt      /metrics of `flopmeter serve` after --serve-seconds
 * Exits 1 naming the steps that failed, timed out or were skipped.
 *
 * Options: --out DIR (default $OUT), --deadline S (the whole check, default
 * 450 s), --rehearse (small sizes on whatever devices are here: with the
 * emulated stack of tests/fixtures first on LD_LIBRARY_PATH; every time limit
 * ×3), --only STEPS (e.g. a second call re-running what failed), --run-probes
 * LIST (the run step's probes, default all), --serve-seconds S (default 30).
 */
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/core/paths.js';
import { allotSeconds, runCommand, type StepOutcome } from './device-check/run-step.js';
import { STEPS, type CheckContext, type Step } from './device-check/steps.js';
import { failedSteps, formatSummary } from './device-check/summary.js';

/** The whole check's deadline: the 8 minutes on an H100, less 30 s for starting and the transfers. */
const DEFAULT_DEADLINE_SECONDS = 450;
/** A step given less than this is skipped: no step does anything useful in less. */
const MIN_STEP_SECONDS = 5;
/**
 * A rehearsal's time limits are this many times the GPU host's: the emulated
 * stack runs every kernel (cuBLAS included) on the host's CPU, and tests/device
 * took ~3× its H100 allowance on this 2-core VM.
 */
const REHEARSAL_SLOWDOWN = 3;

const USAGE = 'usage: device-check --out DIR (or OUT=DIR) [--deadline S] [--rehearse] [--only STEP,…] [--run-probes LIST] [--serve-seconds S]';

interface CheckOptions {
  out: string;
  deadline: number;
  rehearse: boolean;
  steps: readonly Step[];
  runProbes: string | undefined;
  serveSeconds: number;
}

/** The options, or a line saying what is wrong with them. */
function parseOptions(argv: string[]): CheckOptions | string {
  const options = { out: { type: 'string' }, deadline: { type: 'string' }, rehearse: { type: 'boolean' }, only: { type: 'string' }, 'run-probes': { type: 'string' }, 'serve-seconds': { type: 'string' } } as const;
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof options }>>['values'];
  try {
    ({ values } = parseArgs({ args: argv, options }));
  } catch (err) {
    return `${(err as Error).message}\n${USAGE}`;
  }
  const rehearse = Boolean(values.rehearse);
  const out = values.out ?? process.env.OUT;
  const deadline = Number(values.deadline ?? DEFAULT_DEADLINE_SECONDS * (rehearse ? REHEARSAL_SLOWDOWN : 1));
  const serveSeconds = Number(values['serve-seconds'] ?? 30);
  const only = values.only?.split(',').filter(Boolean);
  const unknown = only?.filter((id) => !STEPS.some((s) => s.id === id)) ?? [];
  if (!out) return `no output folder: set OUT or give --out\n${USAGE}`;
  if (!(deadline > 0)) return `--deadline ${values.deadline}: give seconds > 0`;
  if (!(serveSeconds > 0)) return `--serve-seconds ${values['serve-seconds']}: give seconds > 0`;
  if (unknown.length || only?.length === 0) return `--only ${values.only}: the steps are ${STEPS.map((s) => s.id).join(', ')}`;
  const scale = rehearse ? REHEARSAL_SLOWDOWN : 1;
  const steps = STEPS.filter((s) => !only || only.includes(s.id)).map((s) => ({ ...s, capSeconds: s.capSeconds * scale, reserveSeconds: s.reserveSeconds * scale }));
  return { out, deadline, rehearse, steps, runProbes: values['run-probes'], serveSeconds };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function runStep(step: Step, ctx: CheckContext, limitSeconds: number, logFile: string): Promise<StepOutcome> {
  const base = { id: step.id, title: step.title, limitSeconds, exitCode: null, signal: null };
  const why = step.skip?.(ctx) ?? (limitSeconds < MIN_STEP_SECONDS ? 'no time left before the deadline' : null);
  appendFileSync(logFile, `\n===== ${step.id}: ${step.title} (limit ${limitSeconds.toFixed(0)} s) =====\n`);
  if (why) return { ...base, status: 'skipped', seconds: 0, detail: why };
  const stdoutFile = step.stdoutFile?.(ctx);
  const r = await runCommand(step.argv(ctx), { cwd: ctx.root, logFile, limitSeconds, ...(stdoutFile ? { stdoutFile } : {}), ...(step.beside ? { beside: (c) => step.beside!(ctx, c) } : {}) });
  let detail: string;
  let collected = true;
  try {
    detail = step.collect(ctx, r);
  } catch (err) {
    collected = false;
    detail = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  }
  const ok = collected && (step.exitOk ? step.exitOk(r) : r.exitCode === 0);
  const status = r.timedOut ? 'timed out' : ok ? 'passed' : 'failed';
  // What the step left says more than its last line (e.g. vitest's counts); without it, the last line says why.
  if (!ok) detail = collected ? `exit ${r.exitCode ?? r.signal}; ${detail}` : `exit ${r.exitCode ?? r.signal}: ${r.lastLine || detail}`;
  return { ...base, status, seconds: r.seconds, exitCode: r.exitCode, signal: r.signal, detail };
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  if (typeof o === 'string') {
    console.error(o);
    return 2;
  }
  const { out, deadline, steps } = o;
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'flopmeter-device-check-'));
  const logFile = join(out, 'device-check.log');
  writeFileSync(logFile, '');
  const ctx: CheckContext = { root: packageRoot(), out, work, rehearse: o.rehearse, backends: null, runProbes: o.runProbes, serveSeconds: o.serveSeconds, port: await freePort(), bundle: {} };
  const started = performance.now();
  const outcomes: StepOutcome[] = [];
  for (const [i, step] of steps.entries()) {
    const left = deadline - (performance.now() - started) / 1000;
    const reservedAfter = steps.slice(i + 1).reduce((s, x) => s + x.reserveSeconds, 0);
    const outcome = await runStep(step, ctx, allotSeconds(step.capSeconds, left, reservedAfter), logFile);
    outcomes.push(outcome);
    console.error(`device:check ${outcome.id}: ${outcome.status} in ${outcome.seconds.toFixed(0)} s — ${outcome.detail}`);
    // Written after every step, so a check cut short still returns what it had.
    writeFileSync(join(out, 'results.json'), `${JSON.stringify({ rehearse: ctx.rehearse, steps: outcomes, ...ctx.bundle }, null, 1)}\n`);
  }
  rmSync(work, { recursive: true, force: true });
  const files = [...readdirSync(out), 'summary.txt'].filter((f, i, all) => all.indexOf(f) === i).sort();
  const summary = formatSummary(outcomes, ctx.bundle, { rehearse: ctx.rehearse, seconds: (performance.now() - started) / 1000, files });
  writeFileSync(join(out, 'summary.txt'), summary);
  process.stdout.write(`\n${summary}`);
  return failedSteps(outcomes).length ? 1 : 0;
}

process.exit(await main());
