/**
 * The history end to end (src/cli/history.ts): the built CLI records each
 * result, and a result with enough earlier runs of the same measurement on
 * this host carries the scatter between them in its budget and interval.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectValidReport, removeDir, runCli, tempDir } from '../helpers.js';

const dir = tempDir();
afterAll(() => removeDir(dir));

const RUN = ['run', '-b', 'cpu', '-p', 'launch-latency', '--preset', 'quick', '--windows', '4', '--no-telemetry'];

interface Line {
  at: string;
  key: string;
  record: { throughput: { value: number; relU: number; dof: number | null } };
}

function historyOf(path: string): Line[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
}

function throughputBudget(out: string): { components: Array<{ source: string; relative: number }>; relExpanded: number } {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  expectValidReport(report);
  return report.results[0].uncertainty.throughput;
}

describe('flopmeter run with a history', () => {
  const history = join(dir, 'history.jsonl');
  const env = { FLOPMETER_HISTORY: history };

  it('records the result, and after 7 or more earlier runs that scattered includes that scatter in the interval', async () => {
    const first = await runCli([...RUN, '-o', join(dir, 'first.json')], { env });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`history: the scatter between runs included for 0 of 1 results (those with ≥ 7 earlier runs on this host); recorded in ${history}`);
    const [line] = historyOf(history);
    expect(line!.record.throughput.value).toBeGreaterThan(0);
    // Eight earlier runs of the same measurement, 10 % apart, each stating 0.1 % with 20 dof.
    const earlier = [1.1, 0.9, 1.1, 0.9, 1.1, 0.9, 1.1, 0.9].map((f) => JSON.stringify({ ...line, record: { throughput: { value: line!.record.throughput.value * f, relU: 0.001, dof: 20 } } }));
    writeFileSync(history, `${earlier.join('\n')}\n`);

    const out = join(dir, 'again.json');
    const again = await runCli([...RUN, '-o', out], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('history: the scatter between runs included for 1 of 1 results');
    const between = throughputBudget(out).components.find((c) => c.source.startsWith('throughput: between runs (8 runs of this result on this host'));
    expect(between?.relative).toBeGreaterThan(0.05);
    expect(historyOf(history)).toHaveLength(9);
    // Its progress line states the interval the report does, the between-run line included.
    const { throughput } = JSON.parse(readFileSync(out, 'utf8')).results[0];
    const half = (((throughput.ci95[1] - throughput.ci95[0]) / 2 / throughput.value) * 100).toFixed(1);
    expect(again.stderr).toMatch(new RegExp(`^\\[1/1\\] \\S*launch-latency\\S*: .* ±${half.replace('.', '\\.')} %`, 'm'));
  });

  it('--no-history neither reads nor writes it', async () => {
    const out = join(dir, 'without.json');
    const r = await runCli([...RUN, '--no-history', '-o', out], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('history:');
    expect(throughputBudget(out).components.some((c) => c.source.includes('between runs'))).toBe(false);
    expect(historyOf(history)).toHaveLength(9);
  });

  it('goes on without a history it cannot read, and says so', async () => {
    const out = join(dir, 'unreadable.json');
    const r = await runCli([...RUN, '-o', out], { env: { FLOPMETER_HISTORY: dir } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/history: not used \(.*EISDIR.*\); the intervals cover this run only/);
    expect(throughputBudget(out).components.some((c) => c.source.includes('between runs'))).toBe(false);
  });
});
