/**
 * The work-counting protocol of `flopmeter measure`: JSON lines a measured
 * command writes on FLOPMETER_WORK_FD or FLOPMETER_WORK_FILE —
 * `{"work": N}`, `{"latency": s}`, `{"latencies": [s, …]}`,
 * `{"mark": "warmup-done"}`. Each line is timestamped on arrival (monotonic
 * clock). Anything else is counted as malformed and skipped, never fatal: a
 * line longer than the cap is dropped as it streams in, without being held.
 */
import { monotonicNs } from '../../core/clock.js';

/**
 * Longest line kept, bytes. Why: a `latencies` line of a few thousand values fits in 64 KiB; a longer line is a
 * bug or hostile, and holding it (10 MB, or unbounded) would cost memory for nothing.
 */
export const MAX_LINE_BYTES = 64 * 1024;
/**
 * Most units of work one line may add. Why: 10^12 is beyond any one report of a real program (a serving stack's
 * tokens per second are ~10^6), and it keeps every total an exact integer in a double for years of such lines.
 */
export const MAX_WORK_PER_LINE = 1e12;
/** Longest latency accepted, seconds (a day). Why: a request that takes longer is a unit mix-up (ms or ns for s). */
export const MAX_LATENCY_SECONDS = 86_400;
/** Most latencies one line may carry. Why: bounds a line's cost; more fit in more lines. */
export const MAX_LATENCIES_PER_LINE = 10_000;
/** Malformed lines quoted in the result (the rest are only counted). Why: enough to find the bug, short in the report. */
const QUOTED_PROBLEMS = 5;

/** Work counted at one moment (monotonic ns). */
export interface WorkEvent {
  tNs: number;
  units: number;
}

/** Latencies reported at one moment. */
export interface LatencyEvent {
  tNs: number;
  seconds: number[];
}

/** What the command reported so far. */
export class WorkLog {
  readonly work: WorkEvent[] = [];
  readonly latencies: LatencyEvent[] = [];
  /** When `{"mark": "warmup-done"}` arrived (the first one), monotonic ns. */
  markNs: number | null = null;
  /**
   * How many work and latency events came before the mark: lines read in one chunk share its arrival time, so
   * the order of arrival, not the time, tells warm-up from the measured part.
   */
  beforeMark = { work: 0, latencies: 0 };

  /** The work reported after the mark (all of it without one). */
  measuredWork(): WorkEvent[] {
    return this.work.slice(this.beforeMark.work);
  }

  /** The latencies reported after the mark (all of them without one). */
  measuredLatencies(): LatencyEvent[] {
    return this.latencies.slice(this.beforeMark.latencies);
  }
  lines = 0;
  malformed = 0;
  /** The first few malformed lines' problems, for the result's notes. */
  readonly problems: string[] = [];

  /** Counts a malformed line and keeps its problem if it is among the first few. */
  reject(problem: string): void {
    this.malformed++;
    if (this.problems.length < QUOTED_PROBLEMS) this.problems.push(problem);
  }
}

type Parsed = { work: number } | { latencies: number[] } | { mark: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why a work count is refused, or null. */
function badWork(n: unknown): string | null {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return `"work" must be a non-negative integer, got ${JSON.stringify(n)}`;
  return n > MAX_WORK_PER_LINE ? `"work" ${n} exceeds ${MAX_WORK_PER_LINE} per line` : null;
}

/** Why a latency is refused, or null. */
function badLatency(s: unknown): string | null {
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) return `a latency must be a non-negative number of seconds, got ${JSON.stringify(s)}`;
  return s > MAX_LATENCY_SECONDS ? `latency ${s} s exceeds ${MAX_LATENCY_SECONDS} s` : null;
}

/** One line's meaning, or why it has none. NaN and Infinity are not JSON: JSON.parse refuses them. */
export function parseWorkLine(line: string): Parsed | { problem: string } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { problem: 'not JSON' };
  }
  if (!isRecord(v)) return { problem: 'not a JSON object' };
  const keys = Object.keys(v);
  if (keys.length !== 1) return { problem: `expected one of "work", "latency", "latencies", "mark"; got keys ${JSON.stringify(keys.slice(0, 5))}` };
  const [key] = keys as [string];
  const value = v[key];
  if (key === 'work') return badWork(value) === null ? { work: value as number } : { problem: badWork(value)! };
  if (key === 'latency') return badLatency(value) === null ? { latencies: [value as number] } : { problem: badLatency(value)! };
  if (key === 'latencies') {
    if (!Array.isArray(value) || value.length > MAX_LATENCIES_PER_LINE) return { problem: `"latencies" must be an array of at most ${MAX_LATENCIES_PER_LINE} numbers` };
    const bad = value.map(badLatency).find((p) => p !== null);
    return bad ? { problem: bad } : { latencies: value as number[] };
  }
  if (key === 'mark') return value === 'warmup-done' ? { mark: value } : { problem: `unknown mark ${JSON.stringify(value)} (expected "warmup-done")` };
  return { problem: `unknown key ${JSON.stringify(key.slice(0, 40))}` };
}

/** Files one line into the log, stamped `tNs`. */
export function recordLine(log: WorkLog, line: string, tNs: number): void {
  if (line.trim() === '') return;
  log.lines++;
  const p = parseWorkLine(line);
  if ('problem' in p) log.reject(`line ${log.lines}: ${p.problem}`);
  else if ('work' in p) log.work.push({ tNs, units: p.work });
  else if ('latencies' in p) log.latencies.push({ tNs, seconds: p.latencies });
  else if (log.markNs === null) {
    log.markNs = tNs;
    log.beforeMark = { work: log.work.length, latencies: log.latencies.length };
  }
}

/**
 * Splits a byte stream into lines for a WorkLog, holding at most MAX_LINE_BYTES of an unfinished line: a longer
 * one is counted malformed and its bytes are dropped as they come, up to its newline.
 */
export class WorkLineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Inside an over-long line: skipping to its end. */
  private skipping = false;

  constructor(
    readonly log: WorkLog,
    private readonly now: () => number = monotonicNs,
  ) {}

  push(chunk: Buffer): void {
    const t = this.now();
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      this.take(chunk.subarray(from, nl));
      this.endLine(t);
      from = nl + 1;
    }
    this.take(chunk.subarray(from));
  }

  /** The stream ended: a last line without its newline still counts. */
  end(): void {
    if (this.pendingBytes > 0 || this.skipping) this.endLine(this.now());
  }

  private take(part: Buffer): void {
    if (this.skipping || part.length === 0) return;
    if (this.pendingBytes + part.length > MAX_LINE_BYTES) {
      this.pending = [];
      this.pendingBytes = 0;
      this.skipping = true;
      return;
    }
    this.pending.push(part);
    this.pendingBytes += part.length;
  }

  private endLine(t: number): void {
    if (this.skipping) {
      this.log.lines++;
      this.log.reject(`line ${this.log.lines}: longer than ${MAX_LINE_BYTES} bytes (skipped)`);
    } else {
      recordLine(this.log, Buffer.concat(this.pending, this.pendingBytes).toString('utf8'), t);
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = false;
  }
}
