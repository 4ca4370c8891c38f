/**
 * `npm run bench:startup`: how fast the CLI answers. The commands a person
 * types to look around — `--version`, `--help`, `probes` and `report FILE`
 * (text) — each spawned as a user runs them, against a bare `node -e 0`
 * spawned the same way in the same run. Goal (issue 14): each within 2× of it.
 * Every command runs once to warm the file cache, then N times, the commands
 * taking turns so that drift of the machine hits all alike; the median wall
 * time of each is compared.
 *
 * Options: `--help`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { packageRoot } from '../src/core/paths.js';
import { percentile } from '../src/measure/stats.js';
import { benchArgs, wholeNumber } from './args.js';
import { printGoals, type Goal } from './reference.js';

const USAGE = `npm run bench:startup -- [options]: how fast the CLI answers, against a bare \`node -e 0\` in the same run.

  --runs N        timed runs of each command (default 5)
  --report FILE   the report \`report\` shows (default: a small one made here by a quick \`flopmeter run\`)
  --bin FILE      the flopmeter to time (default this one; another build's bin/flopmeter.js measures it "before")
  --out FILE      also write the figures as JSON
  --help          this text`;

const values = benchArgs(USAGE, { runs: { type: 'string' }, report: { type: 'string' }, bin: { type: 'string' }, out: { type: 'string' } });
const runs = wholeNumber('runs', values.runs, 5, USAGE);
const bin = values.bin ?? join(packageRoot(), 'bin', 'flopmeter.js');
/** The goal: each command within this many times a bare Node.js start (issue 14). */
const GOAL_RATIO = 2;

/** One command timed: what it is, how node is called for it, and each run's wall time. */
interface Timed {
  name: string;
  /** Arguments to node. */
  args: string[];
  /** Wall time of each timed run (the warm-up not counted), seconds. */
  seconds: number[];
}

/** Runs a command to completion; its wall time, seconds. Fails loudly when it does, so a broken command is not timed as a fast one. */
function timeOnce(args: readonly string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.slice(0, 500)}`);
  return seconds;
}

/** A small real report: the quickest probe on the CPU, two short windows, no telemetry. */
function makeReport(dir: string): string {
  const file = join(dir, 'small.json');
  const args = [bin, 'run', '--backend', 'cpu', '--probe', 'launch-latency', '--preset', 'quick', '--windows', '2', '--no-telemetry', '--no-progress', '--out', file];
  // No history: the bench's own runs are not the user's measurements (an env variable, which another --bin ignores if older).
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, FLOPMETER_HISTORY: 'off' } });
  if (r.status !== 0) throw new Error(`could not make a report to show (flopmeter run exited ${r.status ?? r.signal}): ${r.stderr.slice(0, 500)}`);
  return file;
}

function measure(commands: Timed[]): void {
  for (const c of commands) timeOnce(c.args); // warm-up: file cache, compile cache
  for (let i = 0; i < runs; i++) for (const c of commands) c.seconds.push(timeOnce(c.args));
}

const dir = mkdtempSync(join(tmpdir(), 'flopmeter-startup-'));
try {
  const report = values.report ?? makeReport(dir);
  const baseline: Timed = { name: 'node -e 0', args: ['-e', '0'], seconds: [] };
  const commands: Timed[] = [
    { name: 'flopmeter --version', args: [bin, '--version'], seconds: [] },
    { name: 'flopmeter --help', args: [bin, '--help'], seconds: [] },
    { name: 'flopmeter probes', args: [bin, 'probes'], seconds: [] },
    { name: 'flopmeter report FILE', args: [bin, 'report', report], seconds: [] },
  ];
  measure([baseline, ...commands]);
  const base = percentile(baseline.seconds, 50);
  console.log(`median of ${runs} runs each, after one warm-up run; node -e 0: ${base.toFixed(3)} s`);
  const goals: Goal[] = commands.map((c) => {
    const median = percentile(c.seconds, 50);
    const ratio = median / base;
    return { name: c.name, ratio, target: `≤ ${GOAL_RATIO}×`, met: ratio <= GOAL_RATIO, detail: `${median.toFixed(3)} s (runs ${c.seconds.map((s) => s.toFixed(3)).join(', ')})` };
  });
  printGoals(goals);
  if (values.out) writeFileSync(values.out, `${JSON.stringify({ runs, baselineSeconds: base, commands: [baseline, ...commands], goals }, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
