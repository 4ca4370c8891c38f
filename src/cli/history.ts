/**
 * The history of this host's results (src/measure/between-runs.ts): one JSON
 * line per completed result, appended after each run, read before it so that
 * each result's intervals (in its progress line, the summary and the report)
 * include the scatter its earlier runs showed between runs. Kept in
 * $FLOPMETER_HISTORY, else $XDG_STATE_HOME/flopmeter/history.jsonl, else
 * ~/.local/state/flopmeter/history.jsonl; FLOPMETER_HISTORY=off (or
 * `run --no-history`) neither reads nor writes it. Deleting the file starts
 * afresh, as it should after the host changes (hardware, firmware, driver).
 * Each run appends its lines in one write; a run stopped mid-write leaves a
 * torn last line, skipped on reading, and the next run starts a new line.
 * Past COMPACT_AFTER_LINES lines a run rewrites the file (atomically) with
 * the lines later runs use; a run appending at that moment may lose its own.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { describeError } from '../core/errors.js';
import { userStateDir } from '../core/paths.js';
import { isRunRecord, MIN_EARLIER_RUNS, measurementKey, recordOf, withBetweenRuns, type ResultRecord } from '../measure/between-runs.js';
import type { Result } from '../measure/result.js';
import { writeAtomic } from '../report/write.js';

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
  /** How many usable lines the file holds. */
  lines: number;
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
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { byKey: new Map(), lines: 0, torn: false };
    throw err;
  }
  const byKey = new Map<string, ResultRecord[]>();
  const lines = usableLines(text);
  for (const { key, record } of lines) {
    const records = byKey.get(key);
    if (records) records.push(record);
    else byKey.set(key, [record]);
  }
  return { byKey, lines: lines.length, torn: text.length > 0 && !text.endsWith('\n') };
}

/** The usable lines of a history file's text, in their order: each as written, with its key and records. */
function usableLines(text: string): Array<{ text: string; key: string; record: ResultRecord }> {
  return text.split('\n').flatMap((line) => {
    const parsed = line.trim() ? parseLine(line) : null;
    return parsed ? [{ text: line, ...parsed }] : [];
  });
}

/**
 * Lines past which a run rewrites the history with only what later runs use: about 1 MB (a line is ~500 bytes), read
 * in milliseconds, where a host measured every few minutes would otherwise add a gigabyte a year.
 */
const COMPACT_AFTER_LINES = 2000;

/** Rewrites the history at `path` (atomically) with the latest MIN_EARLIER_RUNS usable lines of each measurement (all a later run uses), in their order. */
async function compact(path: string): Promise<void> {
  const fromLatest = new Map<string, number>();
  const kept = usableLines(await readFile(path, 'utf8'))
    .reverse()
    .filter(({ key }) => {
      const n = (fromLatest.get(key) ?? 0) + 1;
      fromLatest.set(key, n);
      return n <= MIN_EARLIER_RUNS;
    })
    .reverse();
  await writeAtomic(path, `${kept.map((l) => l.text).join('\n')}\n`, 'history');
}

/** What RunHistory.record did, for the run's one line about it. */
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

/** A history read for one run: each result's between-run lines, and the run's records appended after it. */
export interface RunHistory {
  /** The result with its between-run lines where it has enough earlier runs (src/measure/between-runs.ts), else as it was. */
  apply(result: Result): Result;
  /** Each result with its between-run lines, and the results recorded in the history for the next run. */
  record(results: readonly Result[]): Promise<HistoryOutcome>;
}

/**
 * The history at `path` as a run of `procedure` on `host` sees it. `procedure` names how the results were measured
 * (preset or budget, stopping options, the probes measured together), which the scatter between runs depends on. A
 * history that cannot be read throws; one that cannot be written keeps the lines read from it, and record says why in
 * recordError.
 */
export async function openHistory(path: string, procedure: string, host = hostname()): Promise<RunHistory> {
  const history = await readHistory(path);
  const keyOf = (r: Result): string => measurementKey(r, host, procedure);
  const withLines = (r: Result, own = recordOf(r)): ReturnType<typeof withBetweenRuns> => withBetweenRuns(r, history.byKey.get(keyOf(r)) ?? [], own);
  return {
    apply: (r) => withLines(r).result,
    async record(results) {
      const at = new Date().toISOString();
      const lines: string[] = [];
      let withTerm = 0;
      const out = results.map((r) => {
        const record = recordOf(r);
        if (!record) return r;
        const { result, added } = withLines(r, record);
        if (added.length) withTerm++;
        lines.push(JSON.stringify({ v: HISTORY_VERSION, at, key: keyOf(r), record } satisfies HistoryLine));
        return result;
      });
      const outcome: HistoryOutcome = { results: out, withTerm, recorded: lines.length };
      try {
        if (lines.length) await append(path, lines, history.torn);
      } catch (err) {
        outcome.recordError = describeError(err);
      }
      // A history left long (a rewrite that failed) is only slower to read: the run's lines are in it.
      if (!outcome.recordError && history.lines + lines.length > COMPACT_AFTER_LINES) await compact(path).catch(() => undefined);
      return outcome;
    },
  };
}

/** The run's line about the history ("history: …"), or why it could not be used. */
export function historyLine(path: string, outcome: HistoryOutcome | Error): string {
  if (outcome instanceof Error) return `history: not used (${describeError(outcome)}); the intervals cover this run only`;
  const included = `history: the scatter between runs included for ${outcome.withTerm} of ${outcome.recorded} results (those with ≥ ${MIN_EARLIER_RUNS} earlier runs on this host)`;
  if (outcome.recordError) return `${included}; this run not recorded (${outcome.recordError})`;
  return `${included}; recorded in ${path} (--no-history: neither)`;
}
