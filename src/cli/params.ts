/**
 * The --param options of `run`: parsed, a parameter given twice refused (the
 * values belong in one list), and a warning for each that names a probe not
 * selected, which would otherwise be silently ignored.
 */
import { UsageError } from '../core/errors.js';
import type { AnyProbe } from '../core/probe.js';
import { parseOverride, type ParamOverride } from '../measure/plan.js';

export interface ParsedParams {
  overrides: ParamOverride[];
  /** One line each, for stderr. */
  warnings: string[];
}

export function parseParams(raw: readonly string[] | undefined, selected: readonly AnyProbe[]): ParsedParams {
  const texts = (raw ?? []).map(String);
  const overrides = texts.map(parseOverride);
  const seen = new Map<string, string>();
  const warnings: string[] = [];
  overrides.forEach((o, i) => {
    const name = o.probe === null ? o.key : `${o.probe}.${o.key}`;
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new UsageError(`--param ${name} given twice (${earlier}, ${texts[i]}); give every value in one list, e.g. ${name}=${[earlier, texts[i]!].map((t) => t.slice(t.indexOf('=') + 1)).join(',')}`);
    }
    seen.set(name, texts[i]!);
    if (o.probe !== null && !selected.some((p) => p.id === o.probe)) {
      warnings.push(`flopmeter: warning: --param ${texts[i]}: probe ${o.probe} is not selected (--probe ${selected.map((p) => p.id).join(',')}), so this has no effect`);
    }
  });
  return { overrides, warnings };
}
