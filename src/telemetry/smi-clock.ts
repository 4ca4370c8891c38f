/**
 * nvidia-smi's own timestamps on the run's monotonic clock. Each streamed line
 * carries the time its query was made ("timestamp": YYYY/MM/DD HH:MM:SS.mmm,
 * local time); the time the line reached us is later by the pipe's buffering
 * and the event loop's delay. The wall clock is mapped to the monotonic one by
 * an offset measured once (and again if the wall clock is stepped).
 */
import { monotonicNs } from '../core/clock.js';

/**
 * A stamp further than this from the time its line was read means the wall
 * clock was stepped (or nvidia-smi runs in another time zone): 2 s is far
 * beyond any pipe delay at the streaming periods used (≤ 1 s).
 */
const MAX_SKEW_NS = 2e9;

/** Milliseconds since the epoch of nvidia-smi's timestamp field (local time), or null when it is not one. */
export function parseSmiTimestamp(text: string): number | null {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  const t = new Date(year, month - 1, day, hour, minute, second, ms).getTime();
  return Number.isFinite(t) ? t : null;
}

export class SmiClock {
  private offsetNs = SmiClock.measure();

  /** Monotonic ns minus wall-clock ns, now. */
  private static measure(): number {
    return monotonicNs() - Date.now() * 1e6;
  }

  /** The monotonic time of a line stamped `stampMs` (wall clock) and read at `readNs`; the read time where the stamp is missing or implausible. */
  toMonotonic(stampMs: number | null, readNs: number): number {
    if (stampMs === null) return readNs;
    let t = stampMs * 1e6 + this.offsetNs;
    if (Math.abs(t - readNs) > MAX_SKEW_NS) {
      this.offsetNs = SmiClock.measure();
      t = stampMs * 1e6 + this.offsetNs;
    }
    return Math.abs(t - readNs) > MAX_SKEW_NS ? readNs : Math.round(t);
  }
}
