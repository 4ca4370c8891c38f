/**
 * The history of this host's results (src/measure/between-runs.ts): one JSON
 * line per completed result, appended after each run, read before the report
 * is built so that each result's intervals include the scatter its earlier
 * runs showed between runs. Kept in $FLOPMETER_HISTORY, else
 * $XDG_STATE_HOME/flopmeter/history.jsonl, else
 * ~/.local/state/flopmeter/history.jsonl; FLOPMETER_HISTORY=off (or
 * `run --no-history`) neither reads nor writes it. Deleting the file starts
 * afresh, as it should after the host changes (hardware, firmware, driver).
 * Each run appends its lines in one write; a run stopped mid-write leaves a
 * torn last line, skipped on reading, and the next run starts a new line.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { describeError } from '../core/errors.js';
import { userStateDir } from '../core/paths.js';
import { isRunRecord, MIN_EARLIER_RUNS, measurementKey, recordOf, withBetweenRuns, type ResultRecord } from '../measure/between-runs.js';
import type { Result } from '../measure/result.js';

/** The history line format; lines of another version are skipped, so that a later format never mixes in. */
const HISTORY_VERSION = 1;

/** One line of the history file. */
interface HistoryLine {
  v: typeof HISTORY_VERSION;
  /** When the result was recorded, ISO 8601. */
  at: string;
  /** measurementKey: host, result, engine, definition and procedure. */
  key: string;
  /** What the run stated, per quantity (src/measure/between-runs.ts). */
  record: ResultRecord;
}

/** A history file's records of each measurement, oldest first. */
export interface History {
  byKey: Map<string, ResultRecord[]>;
  /** Whether the file ends mid-line (a run stopped while appending): the next append starts a new line first. */
  torn: boolean;
}

/** The history file, or null where FLOPMETER_HISTORY=off. */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.FLOPMETER_HISTORY === 'off') return null;
  return env.FLOPMETER_HISTORY || join(userStateDir(env), 'history.jsonl');
}

/** A line's usable records, or null for a torn, foreign or other-version line; unusable figures are dropped. */
function parseLine(text: string): { key: string; record: ResultRecord } | null {
  let line: Partial<HistoryLine>;
  try {
    line = JSON.parse(text) as Partial<HistoryLine>;
  } catch {
    return null;
  }
  if (line.v !== HISTORY_VERSION || typeof line.key !== 'string' || typeof line.record !== 'object' || line.record === null) return null;
  const record = Object.fromEntries(Object.entries(line.record).filter(([, figure]) => isRunRecord(figure))) as ResultRecord;
  return { key: line.key, record };
}

/** The history at `path`; an absent file is an empty history. */
export async function readHistory(path: string): Promise<History> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { byKey: new Map(), torn: false };
    throw err;
  }
  const byKey = new Map<string, ResultRecord[]>();
  for (const line of text.split('\n')) {
    const parsed = line.trim() ? parseLine(line) : null;
    if (!parsed) continue;
    const records = byKey.get(parsed.key);
    if (records) records.push(parsed.record);
    else byKey.set(parsed.key, [parsed.record]);
  }
  return { byKey, torn: text.length > 0 && !text.endsWith('\n') };
}

/** What applyHistory did, for the run's one line about it. */
export interface HistoryOutcome {
  /** The results, each with its between-run lines where it had enough earlier runs. */
  results: Result[];
  /** Results whose budgets got a between-run line. */
  withTerm: number;
  /** Results recorded (or, where recordError is set, that were to be). */
  recorded: number;
  /** Why this run's results could not be recorded, if they could not. */
  recordError?: string;
}

/** Appends whole lines, after a newline where the file was left mid-line. */
async function append(path: string, lines: readonly string[], torn: boolean): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${torn ? '\n' : ''}${lines.join('\n')}\n`);
}

/**
 * Each result with its between-run lines from the history at `path`, and the results recorded there for the next
 * run. `procedure` names how the results were measured (preset or budget, stopping options, the probes measured
 * together), which the scatter between runs depends on. A history that cannot be read throws; one that cannot be
 * written keeps the lines read from it and says why in recordError.
 */
export async function applyHistory(path: string, results: readonly Result[], procedure: string, host = hostname()): Promise<HistoryOutcome> {
  const history = await readHistory(path);
  const lines: string[] = [];
  let withTerm = 0;
  const at = new Date().toISOString();
  const out = results.map((r) => {
    const record = recordOf(r);
    if (!record) return r;
    const key = measurementKey(r, host, procedure);
    const { result, added } = withBetweenRuns(r, history.byKey.get(key) ?? []);
    if (added.length) withTerm++;
    lines.push(JSON.stringify({ v: HISTORY_VERSION, at, key, record } satisfies HistoryLine));
    return result;
  });
  const outcome: HistoryOutcome = { results: out, withTerm, recorded: lines.length };
  try {
    if (lines.length) await append(path, lines, history.torn);
  } catch (err) {
    outcome.recordError = describeError(err);
  }
  return outcome;
}

/** The run's line about the history ("history: …"), or why it could not be used. */
export function historyLine(path: string, outcome: HistoryOutcome | Error): string {
  if (outcome instanceof Error) return `history: not used (${describeError(outcome)}); the intervals cover this run only`;
  const included = `history: the scatter between runs included for ${outcome.withTerm} of ${outcome.recorded} results (those with ≥ ${MIN_EARLIER_RUNS} earlier runs on this host)`;
  if (outcome.recordError) return `${included}; this run not recorded (${outcome.recordError})`;
  return `${included}; recorded in ${path} (--no-history: neither)`;
}
