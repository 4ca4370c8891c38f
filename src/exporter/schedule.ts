/**
 * --schedule "stream,gemm every 15m; reduce every 1h": periodic measurements
 * in the background. A run that comes due while another measurement runs
 * starts when that one ends.
 */
import { UsageError } from '../core/errors.js';

export interface ScheduleEntry {
  probes: string[];
  everySeconds: number;
  text: string;
}

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export function parseSchedule(text: string, validProbes: readonly string[]): ScheduleEntry[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^([a-z0-9,\s-]+?)\s+every\s+(\d+(?:\.\d+)?)\s*(s|m|h|d)$/i.exec(part);
      if (!m) throw new UsageError(`--schedule "${part}": expected "<probe>[,<probe>...] every <number><s|m|h|d>", e.g. "stream,gemm every 15m"`);
      const probes = m[1]!.split(',').map((p) => p.trim()).filter(Boolean);
      const unknown = probes.filter((p) => !validProbes.includes(p));
      if (unknown.length) throw new UsageError(`--schedule "${part}": unknown probe ${unknown.join(', ')}; valid: ${validProbes.join(', ')}`);
      const everySeconds = Number(m[2]) * UNIT[m[3]!.toLowerCase()]!;
      // Shorter than a minute would leave no time between measurements of a standard preset.
      if (everySeconds < 60) throw new UsageError(`--schedule "${part}": the interval must be at least 1m`);
      return { probes, everySeconds, text: part };
    });
}

/** Runs each entry every interval (the first soon after start); a due run waits for a busy one. */
export class Scheduler {
  private timers: NodeJS.Timeout[] = [];
  private queue: ScheduleEntry[] = [];
  private draining = false;

  constructor(
    private readonly entries: readonly ScheduleEntry[],
    private readonly runEntry: (e: ScheduleEntry) => Promise<void>,
    /** Seconds after start before the first runs, so the exporter is scraped with telemetry first. */
    private readonly firstDelaySeconds = 5,
  ) {}

  start(): void {
    for (const e of this.entries) {
      this.timers.push(setTimeout(() => this.due(e), this.firstDelaySeconds * 1000));
      this.timers.push(setInterval(() => this.due(e), e.everySeconds * 1000));
    }
  }

  private due(e: ScheduleEntry): void {
    if (!this.queue.includes(e)) this.queue.push(e);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length) await this.runEntry(this.queue.shift()!).catch(() => undefined);
    } finally {
      this.draining = false;
    }
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.queue = [];
  }
}
