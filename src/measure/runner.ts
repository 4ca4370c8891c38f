/**
 * The measurement procedure for one result (DESIGN.md §1): seeded inputs,
 * verification against the float64 reference, warm-up until stable,
 * measurement windows with random gaps until the stopping criterion says
 * so, then estimates with their uncertainty.
 */
import type { DeviceSession, PreparedKernel, WindowTiming } from '../backends/backend.js';
import { sleep } from '../core/clock.js';
import { AbortedError, UnavailableError, describeError } from '../core/errors.js';
import { LatencyHistogram } from '../core/histogram.js';
import { headlineWork, paramsLabel, type AnyProbe, type Inputs, type Params } from '../core/probe.js';
import type { Rng } from '../core/random.js';
import { WORK_UNIT } from '../core/units.js';
import { counterEnergy, flagsSeen, integratePower } from '../telemetry/energy.js';
import type { Telemetry } from '../telemetry/service.js';
import type { SensorInfo } from '../telemetry/types.js';
import { DEFINITION_SCHEME, definitionHash } from './definition.js';
import type { MeasurePreset } from './presets.js';
import type { LatencySummary, Result, WindowRecord } from './result.js';
import type { StoppingCriterion, StoppingDecision } from './stopping.js';
import { summarize } from './summarize.js';
import { summarizeTelemetry, throttleNames } from './telemetry-summary.js';
import { prepareInputs } from './prepare.js';
import type { IdleBaseline } from './idle.js';
import { withinWindowRange } from './readings.js';
import { verifyYielding } from './verify.js';

/** Never stop a window for its iteration count: only time stops it. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;
/** Integrated power must cover this much of a window to count (sampling gaps are not extrapolated). */
const MIN_POWER_COVERAGE = 0.9;

export type PhaseEvent =
  | { phase: 'setup' | 'verify' | 'warmup' }
  | { phase: 'measure'; window: number; elapsedSeconds: number; capSeconds: number; minWindows: number };

export interface MeasureContext {
  session: DeviceSession;
  telemetry: Telemetry;
  /** The telemetry device this device draws its power from (see src/telemetry/devices.ts), or null with why. */
  telemetryDevice: { id: string; note: string | null } | { id: null; reason: string };
  preset: MeasurePreset;
  criterion: StoppingCriterion;
  /** Minimum window length, seconds (preset and sensor). */
  windowSeconds: number;
  seed: number;
  /** Draws the random gaps between windows. */
  rng: Rng;
  signal: AbortSignal;
  idleWatts: number | null;
  /** The baseline behind idleWatts, with its readings' spread (for the above-idle budgets). */
  idleBaseline?: IdleBaseline;
  /** A result whose verifying iteration takes longer than this (seconds) is skipped there, with why (a run's time budget). */
  maxIterationSeconds?: number;
  onPhase?: (event: PhaseEvent) => void;
}

/** A result with nothing measured yet. */
export function emptyResult(probe: AnyProbe, params: Params, session: { device: { id: string; backend: string } }): Result {
  const perIteration = probe.work(params);
  return {
    id: `${session.device.id}/${probe.id}${Object.keys(params).length ? `/${paramsLabel(params)}` : ''}`,
    probe: probe.id,
    params,
    backend: session.device.backend,
    device: session.device.id,
    engine: null,
    definitionHash: null,
    status: 'skipped',
    reason: null,
    notes: [],
    check: null,
    work: { unit: WORK_UNIT[probe.headline], perIteration, iterations: 0, total: 0 },
    timing: null,
    throughput: null,
    latency: null,
    power: null,
    energy: null,
    efficiency: null,
    unavailable: {},
    telemetry: null,
    uncertainty: null,
    windows: [],
  };
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortedError('interrupted');
}

function checkWindow(t: WindowTiming, signal: AbortSignal): WindowTiming {
  if (t.aborted || signal.aborted) throw new AbortedError('interrupted');
  return t;
}

/** Which sensor gives this device's window energy: a counter first, else a power reading to integrate. */
export function energySource(telemetry: Telemetry, device: string | null, unmatched = 'no telemetry device matched'): { sensor: SensorInfo; method: 'counter' | 'integrated' } | { missing: string } {
  if (device === null) return { missing: unmatched };
  const { sensors, missing } = telemetry.sensorsOf(device);
  const counter = sensors.find((s) => s.quantity === 'energy' && !s.component);
  if (counter) return { sensor: counter, method: 'counter' };
  const power = sensors.find((s) => s.quantity === 'power' && !s.component);
  if (power) return { sensor: power, method: 'integrated' };
  const why = missing.filter((m) => m.quantity === 'power' || m.quantity === 'energy').map((m) => m.reason);
  return { missing: why.length ? [...new Set(why)].join('; ') : 'no power or energy sensor for this device' };
}

/** Window energy by every method the device's sensors allow. */
export function windowEnergy(telemetry: Telemetry, device: string | null, t0: number, t1: number): Pick<WindowRecord, 'energyJoules' | 'counterJoules' | 'integratedJoules'> {
  if (device === null) return { energyJoules: null, counterJoules: null, integratedJoules: null };
  const counterSeries = telemetry.store.get(device, 'energy');
  const powerSeries = telemetry.store.get(device, 'power');
  const counterJoules = counterSeries ? counterEnergy(counterSeries, t0, t1) : null;
  const integral = powerSeries ? integratePower(powerSeries, t0, t1) : null;
  const integratedJoules = integral && integral.coverage >= MIN_POWER_COVERAGE ? integral.joules : null;
  return { energyJoules: counterJoules ?? integratedJoules, counterJoules, integratedJoules };
}

/** The throttle reasons the device's sensor saw between t0 and t1 (monotonic ns). */
export function windowThrottle(telemetry: Telemetry, device: string | null, t0: number, t1: number): string[] {
  const throttle = device === null ? undefined : telemetry.store.get(device, 'throttle');
  const sensor = device === null ? undefined : telemetry.sensorsOf(device).sensors.find((s) => s.quantity === 'throttle' && !s.component);
  return throttle ? throttleNames(flagsSeen(throttle, t0, t1), sensor) : [];
}

async function warmUp(kernel: PreparedKernel, settings: MeasurePreset['warmup'], signal: AbortSignal): Promise<{ seconds: number; iterations: number; stable: boolean }> {
  const { minSeconds, maxSeconds, stableRel, sliceSeconds } = settings;
  let seconds = 0;
  let iterations = 0;
  let previous: number | null = null;
  for (;;) {
    const t = checkWindow(await kernel.runWindow({ minSeconds: sliceSeconds, minIterations: 1, maxIterations: UNBOUNDED }), signal);
    seconds += t.seconds;
    iterations += t.iterations;
    const perIteration = t.seconds / t.iterations;
    const stable = previous !== null && Math.abs(perIteration / previous - 1) < stableRel;
    if (seconds >= minSeconds && stable) return { seconds, iterations, stable: true };
    if (seconds >= maxSeconds) return { seconds, iterations, stable: false };
    previous = perIteration;
  }
}

/**
 * Inputs and their float64 reference, the kernel prepared (into `held`) and
 * run once against the reference. Returns the inputs, or the final result
 * (`invalid` when verification fails, `skipped` when one iteration outlasts
 * `maxIterationSeconds`); fills in the result's engine, notes and hash.
 */
async function setUpAndVerify(probe: AnyProbe, params: Params, ctx: MeasureContext, result: Result, held: { kernel: PreparedKernel | null }): Promise<{ inputs: Inputs } | { final: Result }> {
  const { session, signal } = ctx;
  throwIfAborted(signal);
  ctx.onPhase?.({ phase: 'setup' });
  const { inputs, reference } = await prepareInputs(probe, params, ctx.seed, signal);
  throwIfAborted(signal);
  const kernel = (held.kernel = await session.prepare(probe, params, inputs));
  result.engine = kernel.engine;
  result.notes.push(...kernel.notes);
  result.definitionHash = definitionHash(probe, params, kernel.kernelIdentity);
  result.definitionScheme = DEFINITION_SCHEME;

  ctx.onPhase?.({ phase: 'verify' });
  const started = performance.now();
  const output = await kernel.runOnce();
  const once = (performance.now() - started) / 1000;
  // An interruption may have cut the run short: its output says nothing about the device.
  throwIfAborted(signal);
  result.check = await verifyYielding(output, reference, probe.tolerance(params), signal);
  if (result.check.passed && ctx.maxIterationSeconds !== undefined && once > ctx.maxIterationSeconds) {
    const why = `one iteration took ${once.toFixed(1)} s, more than the ${ctx.maxIterationSeconds.toFixed(1)} s of measuring the time budget left it: too slow to measure well in this budget (verification passed)`;
    return { final: { ...result, status: 'skipped', reason: why } };
  }
  if (result.check.passed) return { inputs };
  const err = result.check.maxRelError === null ? 'non-finite or missing output' : `max relative error ${result.check.maxRelError.toExponential(3)}`;
  return { final: { ...result, status: 'invalid', reason: `verification failed: ${err} > tolerance ${result.check.tolerance.toExponential(3)}` } };
}

/**
 * One result measured block by block, so that a run can interleave the blocks of several results on one device
 * (interleave.ts). The first step sets up, verifies, warms up and measures the first block; every later step makes a
 * fresh setup (blocks.ts) and measures one more block. Each step ends with the kernel disposed, so that the device
 * holds no other result's buffers while another result's block runs, and a CPU worker pool is never shared by two
 * prepared kernels. Steps never throw: a failure or an interruption ends the result with its status.
 */
export class ResultMeasurement {
  private readonly result: Result;
  private final: Result | null = null;
  private inputs: Inputs | null = null;
  private readonly held: { kernel: PreparedKernel | null } = { kernel: null };
  private readonly windows: WindowRecord[] = [];
  private readonly blocks: number[][] = [];
  private readonly histogram = new LatencyHistogram();
  private readonly work: number;
  /** Seconds of this result's own measuring (setups, warm-ups, windows and gaps), what its time cap counts. */
  private elapsed = 0;
  private decision: StoppingDecision = { stop: false, converged: false };
  private warm = { seconds: 0, iterations: 0, stable: false };

  constructor(
    private readonly probe: AnyProbe,
    private readonly params: Params,
    private readonly ctx: MeasureContext,
  ) {
    this.result = emptyResult(probe, params, ctx.session);
    this.work = headlineWork(probe, params);
    if (ctx.telemetryDevice.id !== null && ctx.telemetryDevice.note) this.result.notes.push(ctx.telemetryDevice.note);
    const unsupported = ctx.session.unsupported(probe, params);
    if (unsupported) this.end({ ...this.result, status: 'skipped', reason: unsupported });
  }

  /** True once the result is final: measured to the stopping rule's end, or ended by a failure. */
  get done(): boolean {
    return this.final !== null;
  }

  /** The final result (throws before `done`). */
  get outcome(): Result {
    if (!this.final) throw new Error(`${this.result.id} is not finished`);
    return this.final;
  }

  /** Measures the next block (see the class comment). */
  async step(): Promise<void> {
    if (this.final) return;
    try {
      if (this.inputs === null && !(await this.begin())) return;
      if (this.blocks.length > 0) this.elapsed += await this.freshSetup();
      await this.measureBlock();
      if (this.decision.stop) this.end(this.completed());
    } catch (err) {
      this.fail(err);
    } finally {
      const kernel = this.held.kernel;
      this.held.kernel = null;
      await kernel?.dispose().catch(() => undefined);
    }
  }

  /** Ends a result that will get no further step (the run was interrupted between its blocks). */
  abandon(): Result {
    if (!this.final) this.end({ ...this.result, status: 'aborted', reason: 'interrupted before the result was complete' });
    return this.final!;
  }

  private end(result: Result): void {
    this.final = result;
    this.inputs = null;
    this.histogram.destroy();
  }

  private fail(err: unknown): void {
    const { signal } = this.ctx;
    if (err instanceof AbortedError || signal.aborted) this.abandon();
    // Found only when preparing or first running (e.g. an engine without a kernel the workload needs).
    else if (err instanceof UnavailableError) this.end({ ...this.result, status: 'skipped', reason: err.message });
    else this.end({ ...this.result, status: 'errored', reason: describeError(err) });
  }

  /** Set-up, verification and the full warm-up; false when that already ended the result. */
  private async begin(): Promise<boolean> {
    const setUp = await setUpAndVerify(this.probe, this.params, this.ctx, this.result, this.held);
    if ('final' in setUp) {
      this.end(setUp.final);
      return false;
    }
    this.inputs = setUp.inputs;
    this.ctx.onPhase?.({ phase: 'warmup' });
    this.warm = await warmUp(this.held.kernel!, this.ctx.preset.warmup, this.ctx.signal);
    return true;
  }

  /**
   * A fresh setup before a block (blocks.ts): a pause, the session's own state renewed (the CPU's worker threads),
   * the kernel's buffers prepared anew, and a short warm-up. Returns the seconds it took.
   */
  private async freshSetup(): Promise<number> {
    const { session, preset, signal } = this.ctx;
    const started = performance.now();
    await sleep(preset.blocks.pauseSeconds, signal).catch(() => undefined);
    throwIfAborted(signal);
    await session.renew?.();
    this.held.kernel = await session.prepare(this.probe, this.params, this.inputs!);
    const w = preset.blocks.warmupSeconds;
    await warmUp(this.held.kernel, { ...preset.warmup, minSeconds: w, maxSeconds: 4 * w, sliceSeconds: Math.min(preset.warmup.sliceSeconds, w) }, signal);
    return (performance.now() - started) / 1000;
  }

  /** Windows until this block has the criterion's windows per block, or the criterion says stop. */
  private async measureBlock(): Promise<void> {
    const { ctx } = this;
    const block: number[] = [];
    this.blocks.push(block);
    while (!this.decision.stop && block.length < ctx.criterion.windowsPerBlock) {
      ctx.onPhase?.({ phase: 'measure', window: this.windows.length + 1, elapsedSeconds: this.elapsed, capSeconds: ctx.preset.capSeconds, minWindows: ctx.preset.window.minWindows });
      const gap = ctx.rng.uniform(0, ctx.preset.window.gapMaxSeconds);
      await sleep(gap, ctx.signal).catch(() => undefined);
      const w = await this.measureWindow(this.blocks.length - 1);
      this.windows.push(w);
      block.push(w.throughput);
      this.elapsed += gap + (w.endNs - w.startNs) / 1e9;
      this.decision = ctx.criterion.decide({ blocks: this.blocks, elapsedSeconds: this.elapsed });
    }
  }

  /** One measurement window on the kernel in use, as a record in block `block`. */
  private async measureWindow(block: number): Promise<WindowRecord> {
    const { telemetry, signal, windowSeconds } = this.ctx;
    const tdev = this.ctx.telemetryDevice.id;
    await telemetry.flush();
    const t = checkWindow(await this.held.kernel!.runWindow({ minSeconds: windowSeconds, minIterations: 1, maxIterations: UNBOUNDED }), signal);
    await telemetry.flush();
    const part = LatencyHistogram.decode(t.latencyHistogram);
    this.histogram.add(part);
    part.destroy();
    const energy = windowEnergy(telemetry, tdev, t.startNs, t.endNs);
    return {
      startNs: t.startNs,
      endNs: t.endNs,
      seconds: t.seconds,
      iterations: t.iterations,
      throughput: (t.iterations * this.work) / t.seconds,
      ...energy,
      powerWatts: energy.energyJoules === null ? null : energy.energyJoules / ((t.endNs - t.startNs) / 1e9),
      throttleReasons: windowThrottle(telemetry, tdev, t.startNs, t.endNs),
      block,
    };
  }

  /** The completed result: estimates with their budgets, latency, telemetry (from the last block's kernel, still held). */
  private completed(): Result {
    const { ctx, result, windows, decision, work } = this;
    const kernel = this.held.kernel!;
    const tdev = ctx.telemetryDevice.id;
    result.notes.push(...(kernel.afterWindows?.() ?? []));
    const source = energySource(ctx.telemetry, tdev, ctx.telemetryDevice.id === null ? ctx.telemetryDevice.reason : '');
    const summary = summarize({
      windows,
      workPerIteration: work,
      unit: WORK_UNIT[this.probe.headline],
      timerResolutionSeconds: kernel.timer.resolutionSeconds,
      energy: source,
      idleWatts: ctx.idleWatts,
      idleBaseline: ctx.idleBaseline,
      readingRangeWatts: tdev === null ? null : withinWindowRange(ctx.telemetry.store, tdev, windows),
      stop: decision,
      firstStageBlocks: ctx.criterion.firstStageBlocks,
    });
    const drift = summary.throughput.drift;
    if (drift?.significant) {
      result.notes.push(
        `throughput drifted ${(drift.relPerMinute * 100).toFixed(1)} %/min across the windows (p = ${drift.p.toPrecision(2)}): the machine was not in a steady state; the interval includes that spread`,
      );
    }
    const stats = this.histogram.stats()!;
    const latency: LatencySummary = { unit: 's', ...stats, headline: this.probe.latencyHeadline, timer: kernel.timer, histogram: this.histogram.encode() };
    const iterations = windows.reduce((s, w) => s + w.iterations, 0);
    const first = windows[0]!.startNs;
    const last = windows[windows.length - 1]!.endNs;
    return {
      ...result,
      status: 'completed',
      reason: decision.converged ? null : `did not converge: ${decision.reason}`,
      work: { ...result.work, iterations, total: iterations * work },
      timing: { warmupSeconds: this.warm.seconds, warmupIterations: this.warm.iterations, warmupStable: this.warm.stable, measuredSeconds: windows.reduce((s, w) => s + w.seconds, 0), windowSeconds: ctx.windowSeconds },
      throughput: summary.throughput,
      latency,
      power: summary.power,
      energy: summary.energy,
      efficiency: summary.efficiency,
      unavailable: summary.unavailable,
      telemetry: tdev === null ? null : summarizeTelemetry(ctx.telemetry, tdev, first, last, 'sensor' in source ? source.sensor : null),
      uncertainty: summary.uncertainty,
      windows,
    };
  }
}

/**
 * Measures one probe with one parameter set on one device, block after block. Never throws: an interruption at any
 * phase (setup, verification, warm-up, windows) gives an `aborted` result, never `invalid` or `errored`.
 */
export async function measure(probe: AnyProbe, params: Params, ctx: MeasureContext): Promise<Result> {
  const m = new ResultMeasurement(probe, params, ctx);
  while (!m.done) await m.step();
  return m.outcome;
}
