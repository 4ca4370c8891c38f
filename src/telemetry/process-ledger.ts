/**
 * Energy per process on one device, an estimate: the device's energy over
 * each accounting period, less its idle part (idle power × the period's
 * length, where the idle power is known), is shared among the processes by
 * their share of the period's activity (SM utilisation on a GPU, CPU time on
 * the CPU). Idle energy is kept apart, never split; where the idle power is
 * not known the whole energy is split, and the snapshot says so. A period
 * with no activity at all teaches the idle power; its energy is idle, but for
 * what exceeds a known idle power, which is unattributed. Pure bookkeeping: the readers
 * (process-accounting.ts) feed it, and `measure` can feed one the same way.
 */
import type { ProcessIdentity } from './procfs.js';

/**
 * Once a second: NVML's per-process utilisation is sampled by the driver at
 * about 6 Hz and a listing of /proc costs a few milliseconds, so shorter
 * periods cost more than they resolve.
 */
export const PROCESS_PERIOD_SECONDS = 1;
/**
 * A process no reader reports any more (it ended, or used no CPU) keeps its
 * series for 2 minutes: two scrapes at the common 60 s interval see its final
 * total; past that, short-lived processes would pile up series.
 */
export const PROCESS_GRACE_SECONDS = 120;

/** How the split is made, in words (metric HELP texts, reports). */
export const PROCESS_ENERGY_METHOD = `An estimate: each accounting period (${PROCESS_PERIOD_SECONDS} s) the device’s energy above its idle power is shared among its processes by their share of SM utilisation (NVML per-process samples) on a GPU, or of CPU time (/proc/PID/stat utime + stime) for the CPU’s RAPL energy; idle energy is not split. Until an idle power is known (periods in which no process was active, or a measured idle baseline) the whole energy is split. Lags the device’s energy counter by up to one period.`;

/** A process's activity over one accounting period. */
export interface ProcessActivity {
  identity: ProcessIdentity;
  /** Its activity in the period: SM-percent-seconds on a GPU, CPU seconds on the CPU (only ratios matter). */
  activity: number;
}

/** One process's energy on a device, as published. */
export interface ProcessEnergy extends ProcessIdentity {
  /** Estimated energy above idle since the process was first seen, J. */
  energyJoules: number;
  /** Estimated power above idle over the last period, W. */
  powerWatts: number;
  /** Its activity since first seen, in the device's activity unit. */
  activity: number;
}

/** Where a device's idle power comes from. */
export type IdleSource = 'baseline' | 'learnt';

/** A device's energy split, as published (src/report: `processes`; src/exporter/process-metrics.ts). */
export interface DeviceProcessEnergy {
  device: string;
  /** What the activity is: "sm" (GPU SM utilisation) or "cpu-time". */
  activityKind: 'sm' | 'cpu-time';
  /** Idle power kept apart, W; null while not known (then the whole energy is split). */
  idleWatts: number | null;
  /** "baseline": measured with no work running (a run's idle baseline); "learnt": periods in which no process was active. */
  idleSource: IdleSource | null;
  /** Energy accounted as idle, J. */
  idleJoules: number;
  /** Energy above idle in periods with no active process, J. */
  unattributedJoules: number;
  /** Device energy the ledger has accounted (idle + unattributed + every process's, ended ones included), J. */
  accountedJoules: number;
  /** Length of the accounting period, s: process figures lag the device's counter by up to one. */
  periodSeconds: number;
  processes: ProcessEnergy[];
}

interface Entry extends ProcessEnergy {
  lastSeenNs: number;
}

/** Idle power is learnt over at most this many recent activity-free periods (a minute at 1 s): it follows temperature drift. */
const IDLE_WINDOW_PERIODS = 60;
/** Idle power counts as learnt after this many seconds of activity-free periods: the run's default idle baseline is 3 s. */
const MIN_IDLE_SECONDS = 3;

export class ProcessLedger {
  private readonly entries = new Map<number, Entry>();
  private readonly idlePeriods: Array<{ joules: number; seconds: number }> = [];
  private baselineWatts: number | null = null;
  private idleJoules = 0;
  private unattributedJoules = 0;
  private accountedJoules = 0;
  private periodSeconds = 0;

  /**
   * @param device the device's telemetry id
   * @param graceNs how long a process no reader reports any more keeps its series, ns
   */
  constructor(
    readonly device: string,
    readonly activityKind: DeviceProcessEnergy['activityKind'],
    private readonly graceNs: number,
  ) {}

  /** A measured idle baseline (W), preferred over the learnt one. */
  setIdleBaseline(watts: number | null): void {
    this.baselineWatts = watts !== null && Number.isFinite(watts) ? watts : null;
  }

  /** The idle power in use, W, and where it comes from. */
  idle(): { watts: number; source: IdleSource } | null {
    if (this.baselineWatts !== null) return { watts: this.baselineWatts, source: 'baseline' };
    const seconds = this.idlePeriods.reduce((a, p) => a + p.seconds, 0);
    return seconds >= MIN_IDLE_SECONDS ? { watts: this.idlePeriods.reduce((a, p) => a + p.joules, 0) / seconds, source: 'learnt' } : null;
  }

  /**
   * Accounts one period: `joules` of device energy over `seconds`, during which
   * the listed processes were present (with their activity); `nowNs` is the
   * period's end on the monotonic clock.
   */
  account(joules: number, seconds: number, present: readonly ProcessActivity[], nowNs: number): void {
    if (!(seconds > 0) || !Number.isFinite(joules) || joules < 0) return;
    this.periodSeconds = seconds;
    this.accountedJoules += joules;
    const total = present.reduce((a, p) => a + Math.max(0, p.activity), 0);
    const idle = this.idle();
    if (total === 0) this.learnIdle(joules, seconds);
    const idleJoules = idle ? Math.min(joules, idle.watts * seconds) : total === 0 ? joules : 0;
    const dynamic = joules - idleJoules;
    this.idleJoules += idleJoules;
    if (total === 0) this.unattributedJoules += dynamic;
    for (const e of this.entries.values()) e.powerWatts = 0;
    for (const p of present) {
      const e = this.entry(p.identity, nowNs);
      const share = total > 0 ? Math.max(0, p.activity) / total : 0;
      e.energyJoules += share * dynamic;
      e.powerWatts = (share * dynamic) / seconds;
      e.activity += Math.max(0, p.activity);
    }
    this.prune(nowNs);
  }

  private learnIdle(joules: number, seconds: number): void {
    this.idlePeriods.push({ joules, seconds });
    if (this.idlePeriods.length > IDLE_WINDOW_PERIODS) this.idlePeriods.shift();
  }

  private entry(identity: ProcessIdentity, nowNs: number): Entry {
    let e = this.entries.get(identity.pid);
    // A reused pid with another command is another process.
    if (!e || e.command !== identity.command) {
      e = { ...identity, energyJoules: 0, powerWatts: 0, activity: 0, lastSeenNs: nowNs };
      this.entries.set(identity.pid, e);
    }
    e.lastSeenNs = nowNs;
    return e;
  }

  /** Drops the processes not reported for the grace period. */
  private prune(nowNs: number): void {
    for (const [pid, e] of this.entries) if (nowNs - e.lastSeenNs > this.graceNs) this.entries.delete(pid);
  }

  snapshot(): DeviceProcessEnergy {
    const idle = this.idle();
    return {
      device: this.device,
      activityKind: this.activityKind,
      idleWatts: idle?.watts ?? null,
      idleSource: idle?.source ?? null,
      idleJoules: this.idleJoules,
      unattributedJoules: this.unattributedJoules,
      accountedJoules: this.accountedJoules,
      periodSeconds: this.periodSeconds,
      processes: [...this.entries.values()].map(({ lastSeenNs: _, ...p }) => p).sort((a, b) => a.pid - b.pid),
    };
  }
}
