/**
 * Cuts the measured part of an external command's run into time windows of
 * the power sensor's length and counts the work reported in each, so that
 * throughput, work per joule and energy per unit get their intervals from
 * per-window counts and energies, as a probe's windows do. A window in which
 * no work arrived is joined to the next one (a window needs work for an energy
 * per unit), the last to the one before.
 */
import type { Telemetry } from '../../telemetry/service.js';
import type { WindowRecord } from '../result.js';
import { windowEnergy, windowThrottle } from '../runner.js';
import type { WorkEvent } from './work-lines.js';

/** A stretch of time with the work that arrived in it. */
export interface WorkSpan {
  startNs: number;
  endNs: number;
  units: number;
}

/** Boundaries every `seconds` from startNs; the remainder goes to the last span (at least one span). */
export function spans(startNs: number, endNs: number, seconds: number): WorkSpan[] {
  // The tolerance: a span asked for as exactly half the run must give two spans despite rounding.
  const n = Math.max(1, Math.floor((endNs - startNs) / (seconds * 1e9) + 1e-9));
  return Array.from({ length: n }, (_, i) => ({
    startNs: startNs + i * seconds * 1e9,
    endNs: i === n - 1 ? endNs : startNs + (i + 1) * seconds * 1e9,
    units: 0,
  }));
}

/** Adds each event's units to the span it arrived in (events outside every span are left out). */
export function countWork(out: WorkSpan[], events: readonly WorkEvent[]): WorkSpan[] {
  for (const e of events) {
    const s = out.find((x, i) => e.tNs >= x.startNs && (e.tNs < x.endNs || (i === out.length - 1 && e.tNs <= x.endNs)));
    if (s) s.units += e.units;
  }
  return out;
}

/**
 * A total (`--work N`) spread over the spans in proportion to their length, in whole units (largest remainders):
 * the command told no rate, so every span is taken to run at the mean one.
 */
export function spreadTotal(out: WorkSpan[], total: number): WorkSpan[] {
  const all = out.reduce((s, x) => s + (x.endNs - x.startNs), 0);
  const exact = out.map((x) => (total * (x.endNs - x.startNs)) / all);
  out.forEach((x, i) => (x.units = Math.floor(exact[i]!)));
  const left = total - out.reduce((s, x) => s + x.units, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; k < left; k++) out[order[k % order.length]![1]]!.units++;
  return out;
}

/** Joins each span without work to the next one (the last to the one before). */
export function joinEmpty(input: readonly WorkSpan[]): WorkSpan[] {
  const out: WorkSpan[] = [];
  let carry: WorkSpan | null = null;
  for (const s of input) {
    const cur: WorkSpan = carry ? { startNs: carry.startNs, endNs: s.endNs, units: carry.units + s.units } : { ...s };
    carry = cur.units > 0 ? null : cur;
    if (cur.units > 0) out.push(cur);
  }
  if (carry && out.length) out[out.length - 1] = { ...out[out.length - 1]!, endNs: carry.endNs };
  return out;
}

/** The spans as window records with their energy (by every method the device's sensors allow) and throttle reasons. */
export function windowRecords(spansIn: readonly WorkSpan[], telemetry: Telemetry, device: string): WindowRecord[] {
  return spansIn.map((s, i) => {
    const seconds = (s.endNs - s.startNs) / 1e9;
    const energy = windowEnergy(telemetry, device, s.startNs, s.endNs);
    return {
      startNs: s.startNs,
      endNs: s.endNs,
      seconds,
      iterations: s.units,
      throughput: s.units / seconds,
      ...energy,
      powerWatts: energy.energyJoules === null ? null : energy.energyJoules / seconds,
      throttleReasons: windowThrottle(telemetry, device, s.startNs, s.endNs),
      // Each window its own block: adjacent windows are batch means of one continuous run (blocks.ts).
      block: i,
    };
  });
}
