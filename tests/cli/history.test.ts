import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyLine, historyPath, openHistory, readHistory, type HistoryOutcome } from '../../src/cli/history.js';
import { MIN_EARLIER_RUNS, measurementKey } from '../../src/measure/between-runs.js';
import type { Result } from '../../src/measure/result.js';
import { resultWith } from '../fixtures/report.js';
import { tempDir } from '../helpers.js';

const dir = (): string => tempDir('flopmeter-history-');

/** One run as `flopmeter run` makes it: the history opened before measuring, the results recorded after. */
async function applyHistory(path: string, results: Result[], procedure: string, host: string): Promise<HistoryOutcome> {
  return (await openHistory(path, procedure, host)).record(results);
}

describe('historyPath', () => {
  it('is FLOPMETER_HISTORY, else under XDG_STATE_HOME, else ~/.local/state; "off" keeps none', () => {
    expect(historyPath({ FLOPMETER_HISTORY: '/x/h.jsonl' })).toBe('/x/h.jsonl');
    expect(historyPath({ FLOPMETER_HISTORY: 'off' })).toBeNull();
    expect(historyPath({ XDG_STATE_HOME: '/state' })).toBe('/state/flopmeter/history.jsonl');
    expect(historyPath({})).toMatch(/\/\.local\/state\/flopmeter\/history\.jsonl$/);
  });
});

describe('applyHistory', () => {
  /** The same result measured again, `x` its log offset from 1 GFLOP/s. */
  const measured = (x: number) => resultWith({ throughput: 1e9 * Math.exp(x), relA: 0.01, dof: 20 });

  it('records each run, and from the 8th on includes the runs’ scatter in the intervals', async () => {
    const path = join(dir(), 'sub', 'history.jsonl');
    const offsets = [0.06, -0.06, 0.03, -0.03, 0.01, 0.05, -0.05, 0];
    for (const x of offsets.slice(0, MIN_EARLIER_RUNS)) {
      const r = await applyHistory(path, [measured(x)], 'standard', 'host1');
      expect(r).toMatchObject({ withTerm: 0, recorded: 1 });
      expect(r.results[0]).toEqual(measured(x));
    }
    const opened = await openHistory(path, 'standard', 'host1');
    // What the progress line shows of a finished result (apply) is what the run then states (record).
    const shown = opened.apply(measured(0));
    const eighth = await opened.record([measured(0)]);
    expect(eighth).toMatchObject({ withTerm: 1, recorded: 1 });
    expect(shown).toEqual(eighth.results[0]);
    const budget = eighth.results[0]!.uncertainty!.throughput;
    expect(budget.components.at(-1)!.source).toMatch(/^throughput: between runs \(8 runs of this result on this host, this one/);
    expect(eighth.results[0]!.throughput!.ci95[1]).toBeGreaterThan(measured(0).throughput!.ci95[1]);
    // What is recorded is what the run stated itself, without the line from the history.
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(8);
    expect(lines[7].record.throughput.relU).toBeCloseTo(measured(0).uncertainty!.throughput.relCombined, 15);
    expect(lines[7].key).toBe(measurementKey(measured(0), 'host1', 'standard'));
    expect(Date.parse(lines[7].at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('pools only the same measurement: another host or procedure starts its own history', async () => {
    const path = join(dir(), 'history.jsonl');
    for (const x of [0.06, -0.06, 0.03, -0.03, 0.01, 0.05, -0.05, 0]) await applyHistory(path, [measured(x)], 'standard', 'host1');
    expect((await applyHistory(path, [measured(0)], 'quick', 'host1')).withTerm).toBe(0);
    expect((await applyHistory(path, [measured(0)], 'standard', 'host2')).withTerm).toBe(0);
    expect((await applyHistory(path, [measured(0)], 'standard', 'host1')).withTerm).toBe(1);
  });

  it('records nothing of results that did not complete', async () => {
    const path = join(dir(), 'history.jsonl');
    const r = await applyHistory(path, [{ ...measured(0), status: 'errored' }], 'standard', 'h');
    expect(r).toMatchObject({ withTerm: 0, recorded: 0 });
    expect((await readHistory(path)).byKey).toEqual(new Map());
  });
});

describe('a torn history', () => {
  it('starts the next run’s lines on a new line after a run stopped mid-write', async () => {
    const path = join(dir(), 'history.jsonl');
    writeFileSync(path, '{"v": 1, "at": "2026-12-01T00:00:00Z", "key": "k", "rec');
    expect((await readHistory(path)).torn).toBe(true);
    await applyHistory(path, [resultWith({ throughput: 1e9, relA: 0.01 })], 'standard', 'h');
    const history = await readHistory(path);
    expect(history.torn).toBe(false);
    expect([...history.byKey.values()].flat()).toHaveLength(1);
  });

  it('says why a run could not be recorded, and still gives its results', async () => {
    // /proc/version reads (as no history: no line of it parses) but takes no write, not even from root.
    const r = await applyHistory('/proc/version', [resultWith({ throughput: 1e9, relA: 0.01, dof: 20 })], 'p', 'h');
    expect(r).toMatchObject({ withTerm: 0, recorded: 1, recordError: expect.stringMatching(/^E[A-Z]+/) });
    expect(r.results).toHaveLength(1);
    expect(historyLine('/proc/version', r)).toMatch(/; this run not recorded \(E[A-Z]+: .*\)$/);
  });
});

describe('a long history', () => {
  it('is rewritten past 2000 lines with the latest 7 of each measurement, in their order, the run’s own included', async () => {
    const path = join(dir(), 'history.jsonl');
    const line = (key: string, i: number): string => JSON.stringify({ v: 1, at: `2026-12-01T00:00:${i}Z`, key, record: { throughput: { value: 1 + i, relU: 0.01, dof: 5 } } });
    const old = Array.from({ length: 1999 }, (_, i) => line(i % 3 === 0 ? 'a' : 'b', i));
    writeFileSync(path, `${[...old.slice(0, 5), 'not json', ...old.slice(5)].join('\n')}\n`);
    const kept = (key: string): string[] => old.filter((l) => JSON.parse(l).key === key).slice(-MIN_EARLIER_RUNS);

    // 1999 lines and one more: not yet.
    await applyHistory(path, [resultWith({ throughput: 1e9, relA: 0.01 })], 'standard', 'h');
    expect((await readHistory(path)).lines).toBe(2000);
    await applyHistory(path, [resultWith({ throughput: 1e9, relA: 0.01 })], 'standard', 'h');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const ours = lines.filter((l) => !['a', 'b'].includes(JSON.parse(l).key));
    expect(ours).toHaveLength(2);
    const latest = new Set([...kept('a'), ...kept('b')]);
    expect(lines.filter((l) => !ours.includes(l))).toEqual(old.filter((l) => latest.has(l)));
    expect(lines.slice(-2)).toEqual(ours);
  });
});

describe('readHistory', () => {
  it('reads an absent file as empty and skips torn or foreign lines', async () => {
    const d = dir();
    expect(await readHistory(join(d, 'none.jsonl'))).toEqual({ byKey: new Map(), lines: 0, torn: false });
    const path = join(d, 'h.jsonl');
    const good = { v: 1, at: '2026-12-01T00:00:00Z', key: 'k', record: { throughput: { value: 1, relU: 0.01, dof: 5 } } };
    const otherVersion = { ...good, v: 2 };
    const badFigure = { ...good, record: { throughput: { value: 1, relU: 0.01 }, power: { value: 50, relU: 0.02, dof: null } } };
    const lines = [JSON.stringify(good), '{"v": 1, "at": "2026-12-01T00:0', 'not json', '{"key": 3}', '', JSON.stringify(otherVersion), JSON.stringify(badFigure), JSON.stringify(good)];
    writeFileSync(path, `${lines.join('\n')}\n`);
    expect(await readHistory(path)).toEqual({ byKey: new Map([['k', [good.record, { power: { value: 50, relU: 0.02, dof: null } }, good.record]]]), lines: 3, torn: false });
  });

  it('fails on a history it cannot read, which the run reports and goes on without', async () => {
    const d = dir();
    await expect(readHistory(d)).rejects.toThrow();
    expect(historyLine('/x', new Error('EISDIR: illegal operation on a directory'))).toBe('history: not used (EISDIR: illegal operation on a directory); the intervals cover this run only');
  });
});
