/**
 * How many runs the between-run line (between-runs.ts) takes: in a file of
 * their own, without imports, because `run --help` quotes them and must not
 * load the statistics to do so.
 */

/**
 * Runs the between-run line's τ comes from: the run it is for and the latest earlier ones.
 * - Not fewer: where the host's shifts are about as large as what each run states, τ is hard to tell from noise; a
 *   new run's simulated intervals covered 93.2 % from 5 earlier runs and 93.7 % from 6 (tests/measure/between-runs.test.ts).
 * - Not more: the host's state wanders on scales from minutes to days (on the CI VM, GEMM at 33 or 60 GFLOP/s for
 *   hours at a time), so a window of runs measures the scatter over its own span. 8 span the user's own cadence of
 *   measuring again, and forget a mode the host has left after 8 runs; from the latest 20, half-hour series (8 fresh
 *   processes each, bench:repeat) were given the scatter of hours, GEMM's Birge ratios 0.11–0.66.
 * - This run among them: a run in a state its earlier runs did not see widens its own interval. Over 8 kept series
 *   (the line applied offline, runs in time order), 21 of 24 result cells met the goals (Birge 0.5–1.5,
 *   leave-one-out ≥ 80 %), against 18 from the latest 8 earlier runs alone and 16 from the latest 20; simulated, it
 *   covers 97–99 % at 1.2–1.4× an oracle's median half-width.
 */
export const WINDOW_RUNS = 8;

/** Fewest earlier runs for a between-run line: a full window with the run it is for. */
export const MIN_EARLIER_RUNS = WINDOW_RUNS - 1;
