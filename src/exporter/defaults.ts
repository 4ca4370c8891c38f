/**
 * The exporter's defaults that the command line shows in --help: here, apart
 * from the server, so that showing them loads none of its libraries.
 */

/**
 * Default --probe-max-bytes: 2 GiB admits every probe's quick and standard
 * sizes on every backend (the largest, standard STREAM on CUDA, needs 1.75 GiB)
 * and refuses the full preset's and larger sizes, which an operator must allow.
 */
export const DEFAULT_PROBE_MAX_BYTES = 2 * 2 ** 30;
