/**
 * `npm run bench:repeat`, the calibration benchmark: R runs of the same
 * probes, each in a fresh `flopmeter run` process, then per result and
 * quantity (throughput, and power, energy per unit and work per joule where a
 * sensor exists) the Birge ratio, the leave-one-out coverage and the
 * run-to-run spread beside the stated uncertainty (bench/repeat-stats.ts), and
 * the A/A false-verdict rate of `compare` over every pair of runs; across
 * results, how far the results of one run deviate together (the host's state).
 * Goals (issue 13, at standard on the CPU's stream triad, fma-peak and gemm):
 * Birge ratio 0.5–1.5, leave-one-out coverage ≥ 80 %, A/A false verdicts ≤ 10 %.
 *
 * Options: `--help` (USAGE below).
 *
 * Where the runs' budgets carry between-run lines from the history, the
 * figures are printed twice: as the reports state them, and with those lines
 * taken out (each run's own budget), the reference from the same runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareReports, type QuantityName } from '../src/compare/compare.js';
import { packageRoot } from '../src/core/paths.js';
import { MIN_EARLIER_RUNS, withoutBetweenRuns } from '../src/measure/between-runs.js';
import type { Result } from '../src/measure/result.js';
import type { UncertaintyBudget } from '../src/measure/uncertainty.js';
import { readReport } from '../src/report/read.js';
import type { Report } from '../src/report/types.js';
import { badOption, benchArgs, wholeNumber } from './args.js';
import { calibrate, sharedRunVariation, type Calibration, type RunFigure, type SharedRunVariation } from './repeat-stats.js';

const USAGE = `npm run bench:repeat -- [options]: R fresh-process \`flopmeter run\`s of the same probes, then per result
the Birge ratio, leave-one-out coverage, run-to-run spread beside the stated u, and compare's A/A false verdicts.

  --runs R        runs in the series (default 8, at least 3)
  --probes LIST   probes of every run (default stream,fma-peak,gemm)
  --param SPEC    a probe parameter, repeatable (default stream.op=triad and gemm.n=1024: the issue's three results)
  --backend ID    backend (default cpu)
  --preset ID     preset (default standard)
  --bin FILE      the flopmeter to run (default this one; another build's bin/flopmeter.js measures it "before")
  --dir DIR       keep the run reports there (default a new temporary folder)
  --out FILE      also write the figures as JSON
  --arg ARG       passed on to every run, repeatable (e.g. --arg=--no-interleave: each result in one stretch)
  --from DIR      measure nothing: the figures of the run-N.json reports an earlier series kept in DIR
  --history FILE  the history the runs read and extend (src/cli/history.ts; default history.jsonl in the series'
                  folder, so a series starts with none: give an earlier series' to measure again after it)
  --help          this text`;

const values = benchArgs(USAGE, {
  runs: { type: 'string' },
  probes: { type: 'string' },
  param: { type: 'string', multiple: true },
  backend: { type: 'string' },
  preset: { type: 'string' },
  bin: { type: 'string' },
  dir: { type: 'string' },
  out: { type: 'string' },
  arg: { type: 'string', multiple: true },
  from: { type: 'string' },
  history: { type: 'string' },
});
const runs = wholeNumber('runs', values.runs, 8, USAGE, 3);
if (values.from && !existsSync(values.from)) badOption(`--from ${values.from}: no such folder`, USAGE);
const bin = values.bin ?? join(packageRoot(), 'bin', 'flopmeter.js');
/** Where the series' reports are: --from's kept ones, or where this series writes them. */
const dir = values.from ?? values.dir ?? mkdtempSync(join(tmpdir(), 'flopmeter-repeat-'));
// A --dir not made yet is made, as --out's folder would not be.
if (!values.from) mkdirSync(dir, { recursive: true });
const history = values.history ?? join(dir, 'history.jsonl');

/** The quantities calibrated, with the budget each one's stated uncertainty comes from. */
const QUANTITIES: Array<{ name: string; verdict: QuantityName | null; pick(r: Result): { value: number; ci95: [number, number] } | null; budget(r: Result): UncertaintyBudget | null }> = [
  { name: 'throughput', verdict: 'throughput', pick: (r) => r.throughput, budget: (r) => r.uncertainty?.throughput ?? null },
  { name: 'power', verdict: 'power', pick: (r) => r.power, budget: (r) => r.uncertainty?.power ?? null },
  { name: 'energy per unit', verdict: null, pick: (r) => r.energy?.perUnit ?? null, budget: (r) => r.uncertainty?.energyPerUnit ?? null },
  { name: 'work per joule', verdict: 'efficiency', pick: (r) => r.efficiency, budget: (r) => r.uncertainty?.efficiency ?? null },
];

function runOnce(i: number): Report {
  const file = join(dir, `run-${i + 1}.json`);
  const args = [bin, 'run', '-b', values.backend ?? 'cpu', '-p', values.probes ?? 'stream,fma-peak,gemm', '--preset', values.preset ?? 'standard', '--no-progress', '-o', file];
  for (const p of values.param ?? ['stream.op=triad', 'gemm.n=1024']) args.push('--param', p);
  args.push(...(values.arg ?? []));
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FLOPMETER_HISTORY: history } });
  if (r.status !== 0) throw new Error(`run ${i + 1} exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
  console.error(`run ${i + 1}/${runs}: ${((performance.now() - started) / 1000).toFixed(0)} s → ${file}`);
  return readReport(file);
}

function measureSeries(): Report[] {
  console.error(`flopmeter bench:repeat — ${runs} fresh-process runs of ${bin}; reports in ${dir}; history ${history}`);
  return Array.from({ length: runs }, (_, i) => runOnce(i));
}

/** The reports run-1.json … run-N.json of an earlier series, in their order. */
function keptReports(from: string): Report[] {
  const files = readdirSync(from).filter((f) => /^run-\d+\.json$/.test(f)).sort((a, b) => Number(a.slice(4, -5)) - Number(b.slice(4, -5)));
  if (files.length < 3) throw new Error(`--from ${from}: ${files.length} run-N.json reports there; the figures need at least 3`);
  console.error(`flopmeter bench:repeat — the ${files.length} reports kept in ${from}`);
  return files.map((f) => readReport(join(from, f)));
}

/** Per result and quantity, the runs' figures. */
function figuresOf(reports: readonly Report[]): Map<string, RunFigure[]> {
  const out = new Map<string, RunFigure[]>();
  for (const rep of reports) {
    for (const r of rep.results.filter((x) => x.status === 'completed')) {
      for (const q of QUANTITIES) {
        const est = q.pick(r);
        const budget = q.budget(r);
        if (!est || !budget || !Number.isFinite(budget.relCombined)) continue;
        const key = `${r.id} ${q.name}`;
        out.set(key, [...(out.get(key) ?? []), { value: est.value, u: Math.abs(est.value) * budget.relCombined, dof: budget.dofEffective, ci95: est.ci95 }]);
      }
    }
  }
  return out;
}

/** Per result and quantity: how many of the A/A pairs `compare` called different. */
function aaVerdicts(reports: readonly Report[]): Map<string, { pairs: number; different: number }> {
  const out = new Map<string, { pairs: number; different: number }>();
  for (let i = 0; i < reports.length; i++) {
    for (let j = i + 1; j < reports.length; j++) {
      const c = compareReports([{ label: 'a', source: 'a', report: reports[i]! }, { label: 'b', source: 'b', report: reports[j]! }]);
      for (const row of c.rows) {
        const cell = row.cells[1]!;
        for (const q of QUANTITIES.filter((x) => x.verdict)) {
          const verdict = cell.quantities[q.verdict!]?.verdict;
          if (!verdict) continue;
          const key = `${cell.result!.id} ${q.name}`;
          const s = out.get(key) ?? { pairs: 0, different: 0 };
          s.pairs++;
          if (verdict !== 'no significant difference') s.different++;
          out.set(key, s);
        }
      }
    }
  }
  return out;
}

/** Throughput of the results every run completed, run by run (sharedRunVariation's input). */
function throughputTable(reports: readonly Report[]): number[][] {
  const completed = reports.map((rep) => new Map(rep.results.filter((r) => r.status === 'completed' && r.throughput).map((r) => [r.id, r.throughput!.value])));
  const ids = [...completed[0]!.keys()].filter((id) => completed.every((run) => run.has(id)));
  return completed.map((run) => ids.map((id) => run.get(id)!));
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

function printShared(shared: SharedRunVariation | null): void {
  if (!shared) return;
  const offsets = shared.runOffsets.map((x) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`).join(' ');
  console.log(
    `runs deviate together across results (throughput): mean correlation ${shared.meanCorrelation.toFixed(2)}, permutation p = ${shared.p.toPrecision(2)} ` +
      `(≈ 0 when each result's runs vary on their own; near 1: the host's state during a run, which no interval from inside one run can see)`,
  );
  console.log(`each run's offset common to all results, %: ${offsets}`);
}

type Row = { key: string; cal: Calibration; aa: { pairs: number; different: number } | undefined };

function print(rows: readonly Row[], title: string): void {
  console.log(`\n${title}`);
  console.log('result and quantity                                   Birge  (as if ν=∞)  LOO cov.  spread   stated u  95% half  ν (med.)  A/A different');
  for (const { key, cal, aa } of rows) {
    const aaText = aa ? `${aa.different}/${aa.pairs} (${pct(aa.different / aa.pairs)})` : '—';
    console.log(`${key.slice(0, 52).padEnd(52)} ${cal.birgeT.toFixed(2).padStart(6)}  ${cal.birge.toFixed(2).padStart(11)}  ${pct(cal.looCoverage).padStart(8)}  ${pct(cal.spreadRel).padStart(7)}  ${pct(cal.statedRel).padStart(8)}  ${pct(cal.halfWidthRel).padStart(8)}  ${cal.statedDof.toFixed(1).padStart(8)}  ${aaText}`);
  }
  const all = rows.filter((r) => r.aa);
  const diff = all.reduce((s, r) => s + r.aa!.different, 0);
  const pairs = all.reduce((s, r) => s + r.aa!.pairs, 0);
  const met = rows.filter((r) => r.cal.birgeT >= 0.5 && r.cal.birgeT <= 1.5 && r.cal.looCoverage >= 0.8).length;
  console.log('Birge: dof-aware, the factor by which the stated u must be scaled for the runs to fit their own t distributions (bench/repeat-stats.ts); "as if ν=∞": the classic ratio, every u taken as exact');
  console.log(`\ngoals: Birge 0.5–1.5 and leave-one-out coverage ≥ 80 % in ${met} of ${rows.length}; A/A false verdicts ${diff}/${pairs} = ${pairs ? pct(diff / pairs) : '—'} (goal ≤ 10 %)`);
}

/** Per result and quantity that every run has: its calibration and A/A verdicts. */
function calibrationRows(reports: readonly Report[]): Row[] {
  const aa = aaVerdicts(reports);
  return [...figuresOf(reports)].filter(([, f]) => f.length === reports.length).map(([key, f]) => ({ key, cal: calibrate(f), aa: aa.get(key) }));
}

function main(): void {
  const reports = values.from ? keptReports(dir) : measureSeries();
  const rows = calibrationRows(reports);
  print(rows, 'as the runs state them:');
  const own = reports.map((rep) => ({ ...rep, results: rep.results.map(withoutBetweenRuns) }));
  const hadLines = own.some((rep, i) => rep.results.some((r, j) => r !== reports[i]!.results[j]));
  const ownRows = hadLines ? calibrationRows(own) : null;
  if (ownRows) print(ownRows, 'the same runs, each with its own budget only (between-run lines from the history taken out):');
  else console.log(`\nno run had ${MIN_EARLIER_RUNS} earlier runs in its history (${history}): these are each run's own budgets; --history FILE (an earlier series') or more than ${MIN_EARLIER_RUNS} runs measure the between-run line too`);
  const shared = sharedRunVariation(throughputTable(reports));
  printShared(shared);
  if (values.out) writeFileSync(values.out, `${JSON.stringify({ runs: reports.length, bin, dir, history, rows, ownRows, shared }, null, 2)}\n`);
}

try {
  main();
} catch (e) {
  // A run that failed or a kept series that cannot be read: what happened, without a stack trace; the reports so far stay in --dir.
  console.error(`bench:repeat: ${(e as Error).message}`);
  process.exitCode = 1;
}
