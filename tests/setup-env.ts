/**
 * Every test file's environment: runs of the CLI keep no history (src/cli/history.ts) unless a test gives one, so
 * that no test's intervals depend on what earlier tests, earlier runs of the suite or the developer's own runs
 * measured, and no test writes to the developer's history; the temporary directories a file made are removed after it.
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers.js';

process.env.FLOPMETER_HISTORY = 'off';
afterAll(removeTempDirs);
