/**
 * Measurements the exporter runs (on demand through /probe, or on a
 * schedule): at most one at a time, with a bounded duration, sharing the
 * exporter's telemetry so that scrapes keep being served while they run.
 */
import type { Backend } from '../backends/backend.js';
import { FlopmeterError } from '../core/errors.js';
import type { AnyProbe, PresetId } from '../core/probe.js';
import type { ParamOverride } from '../measure/plan.js';
import type { Result } from '../measure/result.js';
import { runSuite } from '../measure/suite.js';
import type { Telemetry } from '../telemetry/service.js';
import { releaseMemory } from './release-memory.js';
import type { LatestResults } from './results.js';

export class BusyError extends FlopmeterError {
  override readonly name = 'BusyError';
  constructor(
    /** Seconds until the running measurement should end. */
    readonly retryAfterSeconds: number,
    what: string,
  ) {
    super(`a measurement is already running (${what})`);
  }
}

export interface MeasurementRequest {
  probes: AnyProbe[];
  backends: Backend[];
  devices?: string[];
  preset: PresetId;
  overrides?: ParamOverride[];
  /** Longest the measurement may take; it is interrupted (results aborted) beyond that. */
  timeoutSeconds: number;
  trigger: 'probe' | 'schedule';
}

/** What a measurement gave: its results (none when it had to be abandoned at its timeout). */
export interface MeasurementOutcome {
  results: Result[];
  /** True when the timeout interrupted it. */
  timedOut: boolean;
}

export interface MeasurementStats {
  runs: Record<string, number>;
}

/**
 * After its timeout, how long a measurement may take to stop before the
 * caller is answered without it: a window winds down within an iteration,
 * and a few seconds cover a quick or standard size's iteration on any device.
 */
const WIND_DOWN_SECONDS = 5;

export class Measurements {
  private running: { what: string; deadline: number; controller: AbortController } | null = null;
  readonly stats: MeasurementStats = { runs: {} };

  constructor(
    private readonly telemetry: Telemetry,
    private readonly latest: LatestResults,
    private readonly base: { allProbes: readonly AnyProbe[]; threads?: number; seed: number },
  ) {}

  get busy(): boolean {
    return this.running !== null;
  }

  /** Measurements finished so far, whatever their outcome. */
  get completed(): number {
    return Object.values(this.stats.runs).reduce((a, b) => a + b, 0);
  }

  /**
   * Runs one measurement, or throws BusyError at once if one is running. It is
   * interrupted at its timeout, whatever phase it is in; what cannot stop at
   * once (a kernel iteration or library call in flight) gets WIND_DOWN_SECONDS,
   * then the caller has its answer while the measurement still counts as running.
   */
  async run(req: MeasurementRequest): Promise<MeasurementOutcome> {
    if (this.running) throw new BusyError(Math.max(1, Math.ceil((this.running.deadline - Date.now()) / 1000)), this.running.what);
    const controller = new AbortController();
    const what = `${req.trigger}: ${req.probes.map((p) => p.id).join(',')}`;
    this.running = { what, deadline: Date.now() + req.timeoutSeconds * 1000, controller };
    const timer = setTimeout(() => controller.abort(), req.timeoutSeconds * 1000);
    const suite = this.suite(req, controller.signal).finally(() => {
      clearTimeout(timer);
      this.running = null;
      releaseMemory();
    });
    let giveUp: NodeJS.Timeout | undefined;
    const overdue = new Promise<null>((resolve) => (giveUp = setTimeout(() => resolve(null), (req.timeoutSeconds + WIND_DOWN_SECONDS) * 1000)));
    try {
      return (await Promise.race([suite, overdue])) ?? { results: [], timedOut: true };
    } finally {
      clearTimeout(giveUp);
    }
  }

  private async suite(req: MeasurementRequest, signal: AbortSignal): Promise<MeasurementOutcome> {
    let outcome = 'failed';
    try {
      const result = await runSuite({
        backends: req.backends,
        explicitBackends: false,
        probes: req.probes,
        explicitProbes: false,
        ...(req.devices ? { devices: req.devices } : {}),
        allProbes: this.base.allProbes,
        preset: req.preset,
        overrides: req.overrides ?? [],
        ...(this.base.threads ? { threads: this.base.threads } : {}),
        seed: this.base.seed,
        telemetry: true,
        telemetryInstance: this.telemetry,
        signal,
      });
      const at = Date.now();
      for (const r of result.results) this.latest.add(r, at);
      outcome = result.interrupted ? 'timed_out' : result.results.every((r) => r.status === 'completed' || r.status === 'skipped') ? 'completed' : 'failed';
      return { results: result.results, timedOut: result.interrupted };
    } finally {
      const key = `${req.trigger}|${outcome}`;
      this.stats.runs[key] = (this.stats.runs[key] ?? 0) + 1;
    }
  }

  /** Interrupts the running measurement (on shutdown). */
  abort(): void {
    this.running?.controller.abort();
  }
}
