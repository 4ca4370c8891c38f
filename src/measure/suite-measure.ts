/**
 * Measuring a run's planned results: each device's idle baseline before its
 * first result, each result's stopping rule (with its share of a budget), and
 * the results themselves, a device's interleaved block by block where the run
 * asks for it (interleave.ts).
 */
import { describeError } from '../core/errors.js';
import { availableMemory } from '../core/memory.js';
import type { Rng } from '../core/random.js';
import type { TelemetryMatch } from '../telemetry/devices.js';
import type { Telemetry } from '../telemetry/service.js';
import { capFor } from './budget.js';
import { hasPowerSensor, idleBaseline, type IdleBaseline } from './idle.js';
import { interleaveGroups, measureInterleaved } from './interleave.js';
import type { MeasurePreset } from './presets.js';
import type { Result } from './result.js';
import { emptyResult, ResultMeasurement } from './runner.js';
import { coarseEnergyNote } from './sensor-window.js';
import { confidenceCriterion, fixedWindowsCriterion, type StoppingCriterion } from './stopping.js';
import type { SuiteOptions } from './suite.js';
import { REPORT_SECONDS, minMeasureSeconds, type SuiteItem } from './suite-plan.js';

/**
 * Most blocks a result planned to a budget may measure: its share of the budget is its cap, so the preset's own
 * maximum would end it early and leave the budget unspent; 1000 blocks of two 0.2 s windows is over 7 minutes.
 */
const BUDGET_MAX_BLOCKS = 1000;

/** The stopping rule; `budgetCap`: the cap a budget gives this result (its blocks then limited only by the cap). */
export function criterionFor(preset: MeasurePreset, opts: Pick<SuiteOptions, 'capSeconds' | 'fixedWindows' | 'targetRel'>, budgetCap?: number): StoppingCriterion {
  // The time cap always applies, to a fixed number of windows too.
  const capSeconds = budgetCap ?? opts.capSeconds ?? preset.capSeconds;
  if (opts.fixedWindows) return fixedWindowsCriterion(opts.fixedWindows, capSeconds, preset.blocks.windows);
  const b = preset.blocks;
  const maxBlocks = budgetCap === undefined ? b.max : BUDGET_MAX_BLOCKS;
  return confidenceCriterion({ targetRel: opts.targetRel ?? preset.targetRel, windowsPerBlock: b.windows, minBlocks: b.min, maxBlocks, capSeconds });
}


/** What measuring the items needs from the run. */
export interface MeasureRun {
  opts: SuiteOptions;
  preset: MeasurePreset;
  criterion: StoppingCriterion;
  tel: Telemetry;
  matches: Map<string, TelemetryMatch>;
  windowSeconds: Map<string, number>;
  rng: Rng;
  idle: Record<string, IdleBaseline>;
  /** The budget's deadline (ms since the epoch), for a run planned to one. */
  deadlineMs: number | null;
}

/** The device's idle baseline, taken before its first result (one per telemetry device: a software adapter shares the CPU's). */
async function ensureIdle(run: MeasureRun, device: string): Promise<string> {
  const tdev = run.matches.get(device)!.id;
  const key = tdev ?? device;
  if (key in run.idle) return key;
  if (tdev !== null && hasPowerSensor(run.tel, tdev)) run.opts.onProgress?.({ type: 'idle', device: key, seconds: run.preset.idleSeconds });
  run.idle[key] =
    tdev === null
      ? { watts: null, reason: (run.matches.get(device) as { reason: string }).reason }
      : await idleBaseline(run.tel, tdev, run.preset.idleSeconds, run.opts.signal).catch((err: unknown) => ({ watts: null, reason: describeError(err) }));
  // Energy per process is split above this measured idle power rather than one it learns.
  if (tdev !== null && run.idle[key]!.watts !== null) run.tel.setIdleBaseline(tdev, run.idle[key]!.watts);
  return key;
}

/** The stopping rule of the item starting now: for a budgeted run, with the cap its share of the time left gives it. */
function criterionNow(run: MeasureRun, rest: readonly SuiteItem[]): StoppingCriterion {
  if (run.deadlineMs === null) return run.criterion;
  const secondsLeft = (run.deadlineMs - Date.now()) / 1000 - REPORT_SECONDS;
  const cap = capFor(
    { secondsLeft, fixedSecondsLeft: rest.reduce((s, i) => s + i.fixedSeconds, 0), resultsLeft: rest.length },
    { minMeasureSeconds: minMeasureSeconds(run.preset, run.windowSeconds.get(rest[0]!.session.device.id)!), maxMeasureSeconds: Infinity },
  );
  return criterionFor(run.preset, run.opts, cap);
}

/** A result's measurement with the run's context; `criterion` and `idleKey` are its group's. */
function measurementFor(run: MeasureRun, item: SuiteItem, criterion: StoppingCriterion, idleKey: string): ResultMeasurement {
  const device = item.session.device.id;
  return new ResultMeasurement(item.probe, item.params, {
    session: item.session,
    telemetry: run.tel,
    telemetryDevice: run.matches.get(device)!,
    preset: run.preset,
    criterion,
    windowSeconds: run.windowSeconds.get(device)!,
    seed: run.opts.seed,
    rng: run.rng,
    signal: run.opts.signal,
    idleWatts: run.idle[idleKey]!.watts,
    idleBaseline: run.idle[idleKey],
    // A budgeted result whose first iteration alone outlasts its whole share is stopped there.
    ...(run.deadlineMs !== null ? { maxIterationSeconds: criterion.settings.capSeconds } : {}),
    onPhase: (event) => run.opts.onProgress?.({ type: 'phase', item: item.planned, event }),
  });
}

/** Adds what the device's energy sensor says of the result's windows (a counter too coarse for them). */
function noteSensor(run: MeasureRun, item: SuiteItem, result: Result): void {
  const device = item.session.device.id;
  const tdev = run.matches.get(device)!.id;
  const coarse = tdev === null ? null : coarseEnergyNote(run.windowSeconds.get(device)!, run.tel.sensorsOf(tdev).sensors);
  if (coarse && result.energy) result.notes.push(coarse);
}

/** One device's group of items, interleaved block by block (interleave.ts); `rest`: the items left in the run, the group's first. */
async function measureGroup(run: MeasureRun, group: readonly SuiteItem[], rest: readonly SuiteItem[]): Promise<Result[]> {
  const idleKey = await ensureIdle(run, group[0]!.session.device.id);
  // Every result of the group gets the share of the time left that the first would get alone.
  const criterion = criterionNow(run, rest);
  const measurements = group.map((item) => measurementFor(run, item, criterion, idleKey));
  return measureInterleaved(measurements, run.rng, run.opts.signal, {
    onStep: (i, first) => run.opts.onProgress?.({ type: 'start', item: group[i]!.planned, ...(first ? {} : { resumed: true }) }),
    onDone: (i, result) => {
      noteSensor(run, group[i]!, result);
      if (group.length > 1 && result.status === 'completed') result.notes.push(`measured interleaved with ${group.length - 1} other result${group.length > 2 ? 's' : ''} on this device, a block of each in a random order per round`);
      run.opts.onProgress?.({ type: 'done', item: group[i]!.planned, result });
    },
  });
}

/** Measures the items, each device's interleaved where the run asks for it; once interrupted, the rest are aborted results. */
export async function measureItems(run: MeasureRun, items: readonly SuiteItem[], results: Result[]): Promise<void> {
  const available = run.opts.availableMemoryBytes ?? availableMemory();
  const tagged = items.map((item, index) => ({ item, index, device: item.session.device.id, memoryBytes: item.probe.memoryBytes(item.params) }));
  for (const group of interleaveGroups(tagged, available, run.opts.interleave ?? true)) {
    if (run.opts.signal.aborted) {
      for (const { item } of group) results.push({ ...emptyResult(item.probe, item.params, item.session), status: 'aborted', reason: 'interrupted before it started' });
      continue;
    }
    results.push(...(await measureGroup(run, group.map((g) => g.item), items.slice(group[0]!.index))));
  }
}

