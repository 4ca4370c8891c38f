/**
 * Where each process's activity over an accounting period comes from: on an
 * NVIDIA GPU, NVML's compute processes and their SM utilisation samples; on
 * the CPU, each process's CPU time from procfs. Identities (command,
 * container, pod) are read once per process and kept while it runs.
 */
import { describeError } from '../core/errors.js';
import { Nvml } from './nvml.js';
import { NvmlProcessQueries, type ProcessUtilSample } from './nvml-processes.js';
import { clockTicksPerSecond, listPids, readCpuTicks, readIdentity, type ProcessIdentity } from './procfs.js';
import type { ProcessActivity } from './process-ledger.js';

/** Each device's processes over the period just ended; a device whose read failed is left out. */
export interface ActivitySource {
  read(seconds: number): Map<string, ProcessActivity[]>;
  /** Why a device's processes could not be read, per device (the latest problem). */
  readonly problems: Map<string, string>;
  close?(): void;
}

/** Identities by pid, read from procfs the first time a pid is met and dropped once it is not. */
class Identities {
  private readonly known = new Map<number, ProcessIdentity>();

  constructor(private readonly procRoot: string) {}

  /** A process procfs cannot show (another pid namespace, or gone) keeps its pid and empty labels. */
  of(pid: number): ProcessIdentity {
    let id = this.known.get(pid);
    if (!id) this.known.set(pid, (id = readIdentity(pid, this.procRoot) ?? { pid, command: '', containerId: '', podUid: '' }));
    return id;
  }

  /** Forgets the pids not in `alive` (their numbers may be reused). */
  keep(alive: ReadonlySet<number>): void {
    for (const pid of this.known.keys()) if (!alive.has(pid)) this.known.delete(pid);
  }
}

/** The mean SM utilisation of each pid's samples, percent. */
function meanSm(samples: readonly ProcessUtilSample[]): Map<number, number> {
  const sums = new Map<number, { sum: number; n: number }>();
  for (const s of samples) {
    const a = sums.get(s.pid) ?? { sum: 0, n: 0 };
    a.sum += s.smPercent;
    a.n++;
    sums.set(s.pid, a);
  }
  return new Map([...sums].map(([pid, a]) => [pid, a.sum / a.n]));
}

interface Gpu {
  id: string;
  handle: unknown;
  /** The newest sample's timestamp, µs (NVML's lastSeenTimeStamp for the next read). */
  lastSeenUs: number;
}

/** NVIDIA GPUs' compute processes, by SM-utilisation share. */
export class GpuActivity implements ActivitySource {
  readonly problems = new Map<string, string>();
  private readonly identities: Identities;

  private constructor(
    private readonly nvml: Nvml,
    private readonly queries: NvmlProcessQueries,
    private readonly gpus: Gpu[],
    procRoot: string,
  ) {
    this.identities = new Identities(procRoot);
  }

  /** For the GPUs the NVML sampler found (their NVML index → telemetry id); null where NVML cannot be opened. */
  static open(gpus: ReadonlyArray<{ id: string; index: number }>, procRoot: string): GpuActivity | null {
    if (gpus.length === 0) return null;
    const nvml = Nvml.open();
    if ('unavailable' in nvml) return null;
    const found = gpus.map((g) => ({ id: g.id, handle: nvml.handle(g.index), lastSeenUs: 0 }));
    return new GpuActivity(nvml, NvmlProcessQueries.bind(nvml.lib), found, procRoot);
  }

  read(seconds: number): Map<string, ProcessActivity[]> {
    const out = new Map<string, ProcessActivity[]>();
    const alive = new Set<number>();
    for (const g of this.gpus) {
      try {
        const list = this.readGpu(g, seconds);
        if (!list) continue;
        for (const p of list) alive.add(p.identity.pid);
        out.set(g.id, list);
        this.problems.delete(g.id);
      } catch (err) {
        this.problems.set(g.id, describeError(err));
      }
    }
    this.identities.keep(alive);
    return out;
  }

  /** One GPU's processes: those NVML lists, and any with utilisation samples (activity = mean SM % × seconds). */
  private readGpu(g: Gpu, seconds: number): ProcessActivity[] | null {
    const running = this.queries.computeProcesses(g.handle);
    const samples = this.queries.processUtilization(g.handle, g.lastSeenUs);
    if (running === null && samples === null) {
      this.problems.set(g.id, 'NVML reports neither the compute processes nor their utilisation on this GPU (not supported)');
      return null;
    }
    for (const s of samples ?? []) g.lastSeenUs = Math.max(g.lastSeenUs, s.timestampUs);
    const sm = meanSm(samples ?? []);
    const pids = new Set([...(running ?? []).map((p) => p.pid), ...sm.keys()]);
    return [...pids].map((pid) => ({ identity: this.identities.of(pid), activity: (sm.get(pid) ?? 0) * seconds }));
  }

  close(): void {
    this.nvml.close();
  }
}

/** The host's processes by CPU time (utime + stime), for the CPU's RAPL energy. */
export class CpuActivity implements ActivitySource {
  readonly problems = new Map<string, string>();
  private readonly identities: Identities;
  private previous = new Map<number, number>();
  private readonly ticksPerSecond = clockTicksPerSecond();

  /** The first read only sets the starting CPU times. */
  constructor(
    private readonly device: string,
    private readonly procRoot: string,
  ) {
    this.identities = new Identities(procRoot);
    this.previous = this.ticks();
  }

  private ticks(): Map<number, number> {
    const now = new Map<number, number>();
    for (const pid of listPids(this.procRoot)) {
      const t = readCpuTicks(pid, this.procRoot);
      if (t !== null) now.set(pid, t);
    }
    return now;
  }

  /** Only processes that used CPU time in the period: an idle process is not listed (and its series ends after the grace period). */
  read(): Map<string, ProcessActivity[]> {
    const now = this.ticks();
    const list: ProcessActivity[] = [];
    for (const [pid, t] of now) {
      // A pid not there before started during the period: all its CPU time is in it.
      const used = t - (this.previous.get(pid) ?? 0);
      if (used > 0) list.push({ identity: this.identities.of(pid), activity: used / this.ticksPerSecond });
    }
    this.previous = now;
    this.identities.keep(new Set(now.keys()));
    if (now.size === 0) this.problems.set(this.device, `no processes readable under ${this.procRoot}`);
    return new Map([[this.device, list]]);
  }
}
