/**
 * What an external command's result says about itself (`flopmeter measure`):
 * the declared workload, the command line, the environment's digest, how the
 * command ended and how its work was counted. Stored as the result's
 * `external` field (schemas/report-1.schema.json).
 */

/** The probe id of an external command's results. */
export const EXTERNAL_PROBE = 'external';
/** What flopmeter checked of an external command's output: nothing. */
export const EXTERNAL_VERIFICATION = 'external: not checked by flopmeter';

export interface ExternalInfo {
  /** `--workload NAME@VERSION`; null when not declared (then compare does not call two results comparable). */
  workload: { name: string; version: string } | null;
  /** The command and its arguments, as run. */
  command: string[];
  /** sha256 over the performance-relevant environment variables (src/measure/external/env-digest.ts). */
  envDigest: string;
  /** Those variables' names that were set (values left out). */
  envNames: string[];
  /** How the command ended: its exit code, or the signal that ended it. */
  exit: { code: number | null; signal: string | null };
  /** The last bytes of the command's stderr, where it failed; null otherwise. */
  stderrTail: string | null;
  verification: typeof EXTERNAL_VERIFICATION;
  /** Where the work came from: the command's work lines, a total given with --work, or none. */
  workSource: 'lines' | 'total' | 'none';
  /** Work lines read, and how many of them were malformed (skipped). */
  workLines: number;
  malformedLines: number;
  /** Seconds before the "warmup-done" mark (excluded from the figures); 0 without a mark. */
  warmupSeconds: number;
  /** Energy over the measured part, J (also where no work was reported); null without an energy sensor. */
  energyJoules: number | null;
}
