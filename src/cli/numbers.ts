/**
 * Number options, parsed here rather than by yargs so that a message echoes
 * what the user typed (`--threads abc: ...`, not `NaN`), and so that an
 * option given twice is refused instead of turning into a list.
 */
import { UsageError } from '../core/errors.js';

export interface NumberRule {
  /** Whole numbers only. */
  integer?: boolean;
  /** Smallest allowed value (inclusive); default: anything above 0. */
  min?: number;
  /** Why the minimum, for the message. */
  minWhy?: string;
  /** Largest allowed value (inclusive), with why, for the message. */
  max?: { value: number; why: string };
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'integer' : 'number';
  if (rule.min === undefined) return `a positive ${kind}`;
  if (rule.min === 0) return `a non-negative ${kind}`;
  return `${rule.integer ? 'an' : 'a'} ${kind} of at least ${rule.min}${rule.minWhy ? ` (${rule.minWhy})` : ''}`;
}

/**
 * The option's value as a number, undefined when it was not given, or a
 * UsageError quoting the value as typed.
 */
export function numberOption(flag: string, raw: unknown, rule: NumberRule = {}): number | undefined {
  if (raw === undefined) return undefined;
  if (Array.isArray(raw)) throw new UsageError(`${flag} given ${raw.length} times (${raw.join(', ')}); give it once`);
  const text = String(raw);
  // As typed; quoted when it would not read as one word (empty, spaces).
  const shown = /^\S+$/.test(text) ? text : JSON.stringify(text);
  const value = text.trim() === '' ? NaN : Number(text);
  const tooSmall = rule.min === undefined ? !(value > 0) : !(value >= rule.min);
  if (!Number.isFinite(value) || tooSmall || (rule.integer && !Number.isSafeInteger(value))) {
    throw new UsageError(`${flag} ${shown}: must be ${describeRule(rule)}`);
  }
  if (rule.max && value > rule.max.value) throw new UsageError(`${flag} ${shown}: at most ${rule.max.value} (${rule.max.why})`);
  return value;
}

const DURATION_UNITS: Record<string, number> = { h: 3600, m: 60, s: 1 };

/**
 * A duration option in seconds: "20m", "90s", "1h30m", "1.5h", or a bare number of seconds; undefined when not
 * given, a UsageError quoting the value as typed otherwise.
 */
export function durationOption(flag: string, raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  if (Array.isArray(raw)) throw new UsageError(`${flag} given ${raw.length} times (${raw.join(', ')}); give it once`);
  const text = String(raw).trim();
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([hms])/g)];
  const seconds = /^\d+(?:\.\d+)?$/.test(text)
    ? Number(text)
    : parts.length && parts.map((p) => p[0]).join('') === text
    ? parts.reduce((s, p) => s + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0)
    : NaN;
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new UsageError(`${flag} ${JSON.stringify(String(raw))}: must be a positive duration, e.g. 300, 90s, 20m or 1h30m`);
  return seconds;
}
