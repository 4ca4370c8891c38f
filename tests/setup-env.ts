/**
 * Every test file's environment: runs of the CLI keep no history (src/cli/history.ts) unless a test gives one, so
 * that no test's intervals depend on what earlier tests, earlier runs of the suite or the developer's own runs
 * measured, and no test writes to the developer's history.
 */
process.env.FLOPMETER_HISTORY = 'off';
