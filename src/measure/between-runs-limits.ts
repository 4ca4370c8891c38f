/**
 * How many earlier runs the between-run line (between-runs.ts) takes: in a
 * file of their own, without imports, because `run --help` quotes them and
 * must not load the statistics to do so.
 */

/**
 * Fewest earlier runs for a between-run line. Where the host's shifts are about as large as what each run states,
 * τ is hard to tell from noise: a new run's simulated intervals covered 93.2 % from 5 earlier runs, 93.7 % from 6
 * (the simulation of tests/measure/between-runs.test.ts run with those H) and ≥ 94 % from 8 in every scenario.
 */
export const MIN_EARLIER_RUNS = 8;

/**
 * Most earlier runs used, the latest. The host's state wanders on scales from minutes to days (on the CI VM, GEMM at
 * 33 or 60 GFLOP/s for hours at a time), so a window of runs measures the scatter over its own span: the latest 8
 * span the user's own cadence of measuring again, and drop a mode the host has left after 8 runs. From the latest
 * 20, a half hour's runs (a series of 8 fresh processes, bench:repeat) were given the scatter of hours: GEMM's Birge
 * ratios read 0.11–0.66 over five kept series (the line applied offline, runs in time order); from the latest 8 they
 * read 0.46–1.28, and 11 of the 15 result cells met the goals (Birge 0.5–1.5, leave-one-out ≥ 80 %) against 8
 * of 15. Fewer than 8 cover less (MIN_EARLIER_RUNS).
 */
export const MAX_EARLIER_RUNS = 8;
