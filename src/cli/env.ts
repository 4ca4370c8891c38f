/**
 * Options from environment variables, for commands whose every flag must also
 * be settable that way (`flopmeter serve`): --probe-timeout ⇐ FLOPMETER_PROBE_TIMEOUT.
 * A flag on the command line wins over the environment, which wins over the
 * default. (yargs' own .env() would also claim FLOPMETER_BLAS and the other
 * library overrides as unknown options.)
 */
import { UsageError } from '../core/errors.js';

export type EnvKind = 'string' | 'number' | 'boolean' | 'list';

/** FLOPMETER_PROBE_TIMEOUT for "probe-timeout". */
export function envName(flag: string): string {
  return `FLOPMETER_${flag.replace(/-/g, '_').toUpperCase()}`;
}

function parse(flag: string, kind: EnvKind, text: string): string | number | boolean | string[] {
  const name = envName(flag);
  if (kind === 'number') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${name}=${text}: --${flag} takes a number`);
    return n;
  }
  if (kind === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(text)) return true;
    if (/^(0|false|no|off)$/i.test(text)) return false;
    throw new UsageError(`${name}=${text}: --${flag} takes true or false`);
  }
  if (kind === 'list') return text.split(',').map((s) => s.trim()).filter(Boolean);
  return text;
}

/**
 * Fills each flag not given on the command line from its environment variable,
 * else from its default. `args` uses yargs' camelCase keys.
 */
export function withEnv<T extends object>(
  args: T,
  spec: Record<string, { kind: EnvKind; default?: unknown }>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const out: Record<string, unknown> = { ...(args as Record<string, unknown>) };
  for (const [flag, { kind, default: fallback }] of Object.entries(spec)) {
    const key = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (out[key] !== undefined) continue;
    const text = env[envName(flag)];
    out[key] = text !== undefined ? parse(flag, kind, text) : fallback;
  }
  return out as T;
}
