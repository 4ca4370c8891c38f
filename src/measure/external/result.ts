/**
 * One device's result for an external command: the measured part (from the
 * "warmup-done" mark, or the start, to the command's end) cut into windows
 * (windows.ts), summarized as a probe's windows are (src/measure/summarize.ts),
 * with the latencies the command reported and how it ended.
 */
import { createHash } from 'node:crypto';
import { LatencyHistogram } from '../../core/histogram.js';
import type { Telemetry } from '../../telemetry/service.js';
import { DEFINITION_SCHEME } from '../definition.js';
import type { IdleBaseline } from '../idle.js';
import { withinWindowRange } from '../readings.js';
import type { LatencySummary, Result, ResultStatus, WindowRecord } from '../result.js';
import { energySource } from '../runner.js';
import { summarize, type Summary } from '../summarize.js';
import { summarizeTelemetry } from '../telemetry-summary.js';
import type { ChildExit } from './child.js';
import { EXTERNAL_PROBE, EXTERNAL_VERIFICATION, type ExternalInfo } from './types.js';
import { countWork, joinEmpty, spans, spreadTotal, windowRecords, type WorkSpan } from './windows.js';
import type { WorkLog } from './work-lines.js';

/**
 * Resolution of a work line's arrival time, seconds. Why: a line is stamped when the event loop reads it, which is
 * within about a millisecond of its writing on an unloaded host; this enters the throughput budget as the timer's.
 */
const ARRIVAL_RESOLUTION_SECONDS = 1e-3;
/** Fewest windows for an interval. Why: one window has no spread to estimate the variation from. */
const MIN_WINDOWS = 2;

/** What the command was, as the result records it. */
export type ExternalDeclaration = Pick<ExternalInfo, 'workload' | 'command' | 'envDigest' | 'envNames'>;

export interface ExternalRun {
  telemetry: Telemetry;
  log: WorkLog;
  exit: ChildExit;
  declaration: ExternalDeclaration;
  /** `--work N`: the total, when the command does not report its work. */
  workTotal: number | null;
  /** The unit of work, e.g. "token". */
  unit: string;
  /** Window length, seconds (the power sensor's). */
  windowSeconds: number;
}

/** Same workload, same unit: the same hash (null when the workload is not declared: nothing to compare by). */
function externalHash(workload: ExternalInfo['workload'], unit: string): string | null {
  if (!workload) return null;
  return `sha256:${createHash('sha256').update(JSON.stringify({ probe: EXTERNAL_PROBE, name: workload.name, version: workload.version, unit })).digest('hex')}`;
}

/** The measured part's spans with their work, by where the work came from. */
function workSpans(run: ExternalRun, t0: number, t1: number, seconds: number): { spans: WorkSpan[]; source: ExternalInfo['workSource'] } {
  const cut = spans(t0, t1, seconds);
  if (run.workTotal !== null) return { spans: run.workTotal > 0 ? joinEmpty(spreadTotal(cut, run.workTotal)) : [], source: 'total' };
  const counted = joinEmpty(countWork(cut, run.log.measuredWork()));
  return counted.length ? { spans: counted, source: 'lines' } : { spans: [], source: run.log.work.length ? 'lines' : 'none' };
}

/** The windows: of the sensor's length, shortened (to half the run) when that leaves fewer than two with work. */
function measuredWindows(run: ExternalRun, device: string, t0: number, t1: number): { windows: WindowRecord[]; source: ExternalInfo['workSource'] } {
  let w = workSpans(run, t0, t1, run.windowSeconds);
  if (w.spans.length < MIN_WINDOWS) w = workSpans(run, t0, t1, (t1 - t0) / 1e9 / MIN_WINDOWS);
  return { windows: windowRecords(w.spans, run.telemetry, device), source: w.source };
}

/** The latencies reported during the measured part. */
function latencyOf(log: WorkLog, t0: number, t1: number): LatencySummary | null {
  const h = new LatencyHistogram();
  for (const e of log.measuredLatencies()) if (e.tNs >= t0 && e.tNs <= t1) e.seconds.forEach((s) => h.recordSeconds(s));
  const stats = h.stats();
  const out: LatencySummary | null = stats && {
    unit: 's',
    ...stats,
    headline: 'p99',
    timer: { kind: 'host-monotonic', resolutionSeconds: 1e-9, description: 'reported by the measured command with its own clock (not checked by flopmeter)' },
    histogram: h.encode(),
  };
  h.destroy();
  return out;
}

/** Power and energy alone, for a run without work: the windows' energies with one placeholder unit each. */
function powerOnly(run: ExternalRun, device: string, t0: number, t1: number, idle: IdleBaseline | undefined): Summary | null {
  const cut = spans(t0, t1, Math.min(run.windowSeconds, (t1 - t0) / 1e9 / MIN_WINDOWS)).map((s) => ({ ...s, units: 1 }));
  return summaryOf(run, device, windowRecords(cut, run.telemetry, device), idle);
}

function summaryOf(run: ExternalRun, device: string, windows: WindowRecord[], idle: IdleBaseline | undefined): Summary | null {
  if (windows.length < MIN_WINDOWS) return null;
  return summarize({
    windows,
    workPerIteration: 1,
    unit: run.unit,
    timerResolutionSeconds: ARRIVAL_RESOLUTION_SECONDS,
    energy: energySource(run.telemetry, device),
    idleWatts: idle?.watts ?? null,
    ...(idle ? { idleBaseline: idle } : {}),
    readingRangeWatts: withinWindowRange(run.telemetry.store, device, windows),
    stop: { stop: true, converged: true, reason: 'the command ended' },
  });
}

/** Status and reason from how the command ended. */
function outcomeOf(exit: ChildExit): { status: ResultStatus; reason: string | null } {
  if (exit.interrupted) return { status: 'aborted', reason: 'interrupted: the command was stopped (SIGINT forwarded); the figures cover the part measured' };
  if (exit.code === 0) return { status: 'completed', reason: null };
  const how = exit.code === null ? `was ended by ${exit.signal}` : `exited with code ${exit.code}`;
  const last = exit.stderrTail.trim().split('\n').pop();
  return { status: 'errored', reason: `the command ${how}${last ? `: ${last}` : ''}` };
}

/** The result's notes: what the figures rest on. */
function notesOf(run: ExternalRun, source: ExternalInfo['workSource'], windows: number): string[] {
  const { log } = run;
  const notes = [`verification: ${EXTERNAL_VERIFICATION}`];
  if (log.markNs === null) notes.push('no "warmup-done" mark: the whole run is measured, start-up included');
  if (source === 'total') notes.push(`work given as a total (--work ${run.workTotal}): spread over the windows at its mean rate, so the intervals reflect the energy's variation, not the work rate's`);
  if (log.malformed) notes.push(`${log.malformed} malformed work line(s) skipped: ${log.problems.join('; ')}`);
  if (source !== 'none' && windows < MIN_WINDOWS) notes.push('fewer than two windows with work: no intervals (the measured part is too short)');
  return notes;
}

/** Why throughput and the per-unit figures are missing, where they are. */
function noWorkReason(source: ExternalInfo['workSource']): string {
  return source === 'none' ? 'the command reported no work (no work lines, no --work): energy and power only' : 'fewer than two windows with work in the measured part';
}

/** For each figure that is missing: why (the sensor's reason first, then the work's). */
function unavailableOf(summary: Summary | null, powered: Summary | null, noWork: string): Record<string, string> {
  const tooShort = 'the measured part is too short for two windows';
  return {
    ...(powered ? {} : { power: tooShort }),
    ...(powered?.unavailable ?? {}),
    ...(summary ? {} : { throughput: noWork, energy: powered?.unavailable.energy ?? noWork, efficiency: powered?.unavailable.efficiency ?? noWork }),
  };
}

export function externalResult(run: ExternalRun, device: string, idle: IdleBaseline | undefined): Result {
  const t0 = run.log.markNs ?? run.exit.startNs;
  const t1 = run.exit.endNs;
  const { windows, source } = measuredWindows(run, device, t0, t1);
  const summary = summaryOf(run, device, windows, idle);
  const powered = summary ?? powerOnly(run, device, t0, t1, idle);
  const energyJoules = powered?.energy?.joules ?? null;
  const name = run.declaration.workload ? `${run.declaration.workload.name}@${run.declaration.workload.version}` : '(undeclared)';
  const units = windows.reduce((s, w) => s + w.iterations, 0);
  const source0 = energySource(run.telemetry, device);
  const external: ExternalInfo = {
    ...run.declaration,
    exit: { code: run.exit.code, signal: run.exit.signal },
    stderrTail: run.exit.code === 0 || run.exit.interrupted ? null : run.exit.stderrTail,
    verification: EXTERNAL_VERIFICATION,
    workSource: source,
    workLines: run.log.lines,
    malformedLines: run.log.malformed,
    warmupSeconds: run.log.markNs === null ? 0 : (run.log.markNs - run.exit.startNs) / 1e9,
    energyJoules,
  };
  const noWork = noWorkReason(source);
  return {
    id: `${device}/${EXTERNAL_PROBE}/${name}`,
    probe: EXTERNAL_PROBE,
    params: { workload: name },
    backend: EXTERNAL_PROBE,
    device,
    engine: null,
    definitionHash: externalHash(run.declaration.workload, run.unit),
    definitionScheme: DEFINITION_SCHEME,
    ...outcomeOf(run.exit),
    notes: notesOf(run, source, windows.length),
    check: null,
    work: { unit: run.unit, perIteration: {}, iterations: units, total: units },
    timing: { warmupSeconds: external.warmupSeconds, warmupIterations: 0, warmupStable: run.log.markNs !== null, measuredSeconds: (t1 - t0) / 1e9, windowSeconds: run.windowSeconds },
    throughput: summary?.throughput ?? null,
    latency: latencyOf(run.log, t0, t1),
    power: powered?.power ?? null,
    energy: summary?.energy ?? null,
    efficiency: summary?.efficiency ?? null,
    unavailable: unavailableOf(summary, powered, noWork),
    telemetry: summarizeTelemetry(run.telemetry, device, t0, t1, 'sensor' in source0 ? source0.sensor : null),
    // Without work, the budgets would rest on placeholder units: the power's interval stands alone.
    uncertainty: summary?.uncertainty ?? null,
    windows: summary ? windows : [],
    external,
  };
}
