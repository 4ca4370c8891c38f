/**
 * A benchmark's command line, parsed in one place: its options through
 * node:util's parseArgs, `--help` (or `-h`) printing its usage, and a bad
 * command line answered with why and the usage (exit 2), not a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<T extends Options> = ReturnType<typeof parseArgs<{ options: T }>>['values'];

/** Exits 2 after printing `why` and the usage: the command line asked for something the benchmark cannot do. */
export function badOption(why: string, usage: string): never {
  console.error(`${why}\n\n${usage}`);
  process.exit(2);
}

/** The benchmark's option values; exits after printing the usage for --help (0) or an unknown or malformed option (2). */
export function benchArgs<const T extends Options>(usage: string, options: T): Values<T> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } } }));
  } catch (e) {
    badOption((e as Error).message, usage);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values as Values<T>;
}

/** A whole-number option's value, or its default; exits 2 with the usage if it is not a whole number ≥ `min`. */
export function wholeNumber(name: string, given: string | undefined, fallback: number, usage: string, min = 1): number {
  const n = given === undefined ? fallback : Number(given);
  if (!Number.isInteger(n) || n < min) badOption(`--${name} ${given}: give a whole number ≥ ${min}`, usage);
  return n;
}
