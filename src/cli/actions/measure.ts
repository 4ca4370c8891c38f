/**
 * What `flopmeter measure` does (its options: ../commands/measure.ts): the
 * command measured, the report written as `run` writes its own, the summary
 * printed, the results pushed where asked. A failing command still gets its
 * report; an interrupted one its partial report.
 */
import { resolve } from 'node:path';
import { hostname } from 'node:os';
import { UsageError, describeError } from '../../core/errors.js';
import { pushResults } from '../../exporter/push.js';
import { envDigest } from '../../measure/external/env-digest.js';
import { measureExternal, type ExternalOptions } from '../../measure/external/session.js';
import type { Result } from '../../measure/result.js';
import { MAX_WORK_PER_LINE } from '../../measure/external/work-lines.js';
import type { ExternalInfo } from '../../measure/external/types.js';
import { buildReport, serializeReport } from '../../report/build.js';
import { renderSummary } from '../../report/summary.js';
import { checkWritable, defaultReportPath, writeAtomic } from '../../report/write.js';
import { durationOption, numberOption } from '../numbers.js';
import { splitList } from '../select.js';
import { EXIT, type CommandContext } from '../context.js';
import { MAX_SAMPLE_HZ } from '../commands/run.js';
import type { MeasureArgs } from '../commands/measure.js';

/** A work unit: a word (it becomes part of "unit/s" and "J/unit"). */
const UNIT_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;
/** NAME@VERSION: a name without "@", and a version of printable characters. */
const WORKLOAD_PATTERN = /^([^@\s]{1,100})@(\S{1,100})$/;

/** The declared workload, or a UsageError naming what is expected. */
function workloadOf(raw: string | undefined): ExternalInfo['workload'] {
  if (raw === undefined) return null;
  const m = WORKLOAD_PATTERN.exec(raw);
  if (!m) throw new UsageError(`--workload ${JSON.stringify(raw)}: expected NAME@VERSION, e.g. llama-serve@1.4`);
  return { name: m[1]!, version: m[2]! };
}

/** Seconds of idle baseline: 0 skips it. */
function idleOf(raw: string): number {
  return /^0+(\.0*)?s?$/.test(raw.trim()) ? 0 : durationOption('--idle', raw)!;
}

/** The measurement as the options ask for it, every value checked (UsageError otherwise), and the report's path. */
type MeasureSettings = Omit<ExternalOptions, 'stderr' | 'stdoutToStderr' | 'signal' | 'onIdle'> & { out: string };

function settingsFrom(args: MeasureArgs): MeasureSettings {
  const [command, ...rest] = [...(args.command ?? []), ...args._.slice(1).map(String)];
  if (!command) throw new UsageError('measure: give the command to measure after --, e.g. flopmeter measure -- python3 bench.py');
  if (!UNIT_PATTERN.test(args.workUnit)) throw new UsageError(`--work-unit ${JSON.stringify(args.workUnit)}: expected a word such as token, request, sample or step`);
  if (args.push !== undefined && !/^https?:\/\/[^/]+/.test(args.push)) throw new UsageError(`--push ${args.push}: expected the Pushgateway's URL, e.g. http://pushgateway:9091`);
  const sampleHz = numberOption('--sample-hz', args.sampleHz, { max: { value: MAX_SAMPLE_HZ, why: 'sensors update no faster' } });
  const digest = envDigest(process.env);
  return {
    command,
    args: rest,
    env: process.env,
    declaration: { workload: workloadOf(args.workload), command: [command, ...rest], envDigest: digest.digest, envNames: digest.names },
    unit: args.workUnit,
    workTotal: numberOption('--work', args.work, { integer: true, min: 1, max: { value: MAX_WORK_PER_LINE, why: 'no one run does more' } }) ?? null,
    devices: args.device === undefined ? null : splitList(args.device),
    idleSeconds: idleOf(args.idle),
    ...(process.env.FLOPMETER_POWERCAP_ROOT ? { powercapRoot: process.env.FLOPMETER_POWERCAP_ROOT } : {}),
    ...(sampleHz !== undefined ? { gpuSampleHz: sampleHz } : {}),
    out: args.out ?? defaultReportPath(),
  };
}

/** Pushes the results to the Pushgateway; false (with why on stderr) when that failed. */
async function pushTo(args: MeasureArgs, results: readonly Result[], stderr: NodeJS.WritableStream): Promise<boolean> {
  const target = { url: args.push!, job: args.pushJob, instance: args.pushInstance ?? hostname() };
  try {
    await pushResults(target, results);
    stderr.write(`pushed ${results.length} external results to ${target.url} (job ${target.job})\n`);
    return true;
  } catch (err) {
    stderr.write(`flopmeter: ${describeError(err)} (the report is written)\n`);
    return false;
  }
}

/** Measures the command, writes the report and prints its summary; the exit code says how it went. */
export async function run(args: MeasureArgs, ctx: CommandContext): Promise<number> {
  const { out, ...settings } = settingsFrom(args);
  await checkWritable(out);
  const onIdle = (devices: readonly string[], seconds: number): void => void ctx.stderr.write(`idle baseline: ${seconds} s on ${devices.join(', ')}\n`);
  const outcome = await measureExternal({ ...settings, stderr: ctx.stderr, stdoutToStderr: args.json, signal: ctx.signal, onIdle });
  if (!outcome) {
    ctx.stderr.write('interrupted before the command started: nothing to report (no report written)\n');
    return EXIT.INTERRUPTED;
  }
  const report = await buildReport({ outcome, argv: ctx.argv, seed: 0, backends: [], probes: ['external'], params: [], telemetry: true, presetLabel: 'external' });
  const text = serializeReport(report);
  await writeAtomic(out, text);
  (args.json ? ctx.stderr : ctx.stdout).write(`${renderSummary(report)}\n`);
  ctx.stderr.write(`report: ${resolve(out)}${report.status === 'interrupted' ? ' (interrupted: partial)' : ''}\n`);
  if (args.json) ctx.stdout.write(text);
  const pushed = args.push ? await pushTo(args, outcome.results, ctx.stderr) : true;
  if (outcome.interrupted) return EXIT.INTERRUPTED;
  return !pushed || outcome.results.some((r) => r.status === 'errored') ? EXIT.FAILED_RESULTS : EXIT.OK;
}
