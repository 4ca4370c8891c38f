/**
 * `flopmeter report` on large and odd reports, spawned as a user runs it: a
 * report of 120 000 results renders (the reader accepts it, so the views must
 * too), and a report that repeats a key is refused with its JSON path.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from '../../../src/measure/result.js';
import { fullReport } from '../../fixtures/report.js';
import { removeDir, runCli, tempDir } from '../../helpers.js';

const dir = tempDir('report-cli-');
afterAll(() => removeDir(dir));

/** Results this many: the count that overflowed the stack when spread into push. */
const MANY = 120_000;

/** The sample result, lean (one window, no budgets or telemetry timeline) so that 120 000 of them stay ~150 MB. */
function leanResult(i: number): Result {
  const base = fullReport().results[0]!;
  return {
    ...base,
    id: `cpu0/gemm/n=${i}`,
    params: { ...base.params, n: i },
    windows: base.windows.slice(0, 1),
    telemetry: { ...base.telemetry!, quantities: [], timeline: [] },
    uncertainty: null,
  };
}

describe('flopmeter report on large reports', () => {
  it(`renders a report of ${MANY} results as text, within a 1.5 GiB heap and a generous time`, async () => {
    const report = fullReport();
    const one = leanResult(0);
    report.results = Array.from({ length: MANY }, (_, i) => ({ ...one, id: `cpu0/gemm/n=${i}`, params: { ...one.params, n: i } }));
    const file = join(dir, 'many.json');
    writeFileSync(file, JSON.stringify(report));
    const r = await runCli(['report', file], { env: { NODE_OPTIONS: '--max-old-space-size=1536' }, timeoutMs: 170_000 });
    expect(r.code, r.stderr.slice(0, 2000)).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`${file} · ${MANY} results`);
    // Every result is in the summary table and has its own section, the last one included.
    expect(r.stdout.match(/^ *\d+ {2}gemm n=\d+ dtype=f32 /gm)?.length).toBe(MANY);
    expect(r.stdout).toContain(`\ncpu0/gemm/n=${MANY - 1}\n`);
    expect(r.stdout.endsWith('\n• a note\n')).toBe(true); // the provenance, last, complete
  }, 180_000);
});

describe('flopmeter report on a report that repeats a key', () => {
  it('exits 2 naming the JSON path of the repeated key, at the top level and nested', async () => {
    const text = JSON.stringify(fullReport());
    const cases = [
      { text: text.replace('{"schema"', '{"status":"partial","schema"'), path: '/status' },
      { text: text.replace('"throughput":{"value":4000000000', '"throughput":{"value":9e15,"value":4000000000'), path: '/results/0/throughput/value' },
    ];
    for (const [i, c] of cases.entries()) {
      const file = join(dir, `repeated-${i}.json`);
      writeFileSync(file, c.text);
      const r = await runCli(['report', file]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^flopmeter: .*repeated-${i}\\.json: at ${c.path}: duplicate key "\\w+" at line 1 column \\d+: a key may appear once in an object`));
    }
  });
});
