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

/** Most earlier runs used, the latest: 19 dof (t 2.09), while older runs may describe a state the host has left. */
export const MAX_EARLIER_RUNS = 20;
