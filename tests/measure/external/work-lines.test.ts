import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, MAX_WORK_PER_LINE, WorkLineReader, WorkLog, parseWorkLine } from '../../../src/measure/external/work-lines.js';

/** A reader whose clock is a counter the test sets. */
function reader(): { r: WorkLineReader; log: WorkLog; at: (t: number) => void } {
  let now = 0;
  const log = new WorkLog();
  return { r: new WorkLineReader(log, () => now), log, at: (t) => (now = t) };
}

describe('work lines', () => {
  it('reads each kind of line, stamped with its arrival', () => {
    const { r, log, at } = reader();
    at(10);
    r.push(Buffer.from('{"work": 512}\n{"latency": 0.153}\n'));
    at(20);
    r.push(Buffer.from('{"mark": "warmup-done"}\n{"latencies": [0.1, 0.2]}\n{"work": 3}'));
    r.end();
    expect(log.work).toEqual([{ tNs: 10, units: 512 }, { tNs: 20, units: 3 }]);
    expect(log.latencies).toEqual([{ tNs: 10, seconds: [0.153] }, { tNs: 20, seconds: [0.1, 0.2] }]);
    expect(log.markNs).toBe(20);
    // Read in the mark's chunk, yet before it: warm-up.
    expect(log.measuredWork()).toEqual([{ tNs: 20, units: 3 }]);
    expect(log.measuredLatencies()).toEqual([{ tNs: 20, seconds: [0.1, 0.2] }]);
    expect([log.lines, log.malformed]).toEqual([5, 0]);
  });

  it('joins a line split across chunks, and skips blank lines', () => {
    const { r, log } = reader();
    for (const part of ['{"wo', 'rk": 7', '}\n', '\n', '  \n']) r.push(Buffer.from(part));
    expect(log.work.map((w) => w.units)).toEqual([7]);
    expect(log.lines).toBe(1);
  });

  it.each([
    ['{"work": 1e400}', /non-negative integer/],
    ['{"work": NaN}', /not JSON/],
    ['{"work": -1}', /non-negative integer/],
    ['{"work": 2.5}', /non-negative integer/],
    [`{"work": ${MAX_WORK_PER_LINE * 10}}`, /exceeds/],
    ['{"latency": -0.1}', /non-negative number/],
    ['{"latency": 1e9}', /exceeds/],
    ['{"latencies": [0.1, "x"]}', /non-negative number/],
    ['{"latencies": 3}', /array/],
    ['{"mark": "done"}', /unknown mark/],
    ['{"work": 1, "latency": 2}', /expected one of/],
    ['{"token": 1}', /unknown key/],
    ['[1]', /not a JSON object/],
    ['null', /not a JSON object/],
  ])('refuses %s', (line, why) => {
    const p = parseWorkLine(line);
    expect('problem' in p && p.problem).toMatch(why);
  });

  it('counts a 10 MB line as one malformed line without holding it, and reads on after it', () => {
    const { r, log } = reader();
    const chunk = Buffer.alloc(64 * 1024, '9');
    r.push(Buffer.from('{"work": '));
    for (let i = 0; i < 160; i++) r.push(chunk);
    // Nothing of the line is held once it is past the cap.
    expect((r as unknown as { pendingBytes: number }).pendingBytes).toBe(0);
    r.push(Buffer.from('}\n{"work": 2}\n'));
    expect(log.malformed).toBe(1);
    expect(log.problems[0]).toBe(`line 1: longer than ${MAX_LINE_BYTES} bytes (skipped)`);
    expect(log.work.map((w) => w.units)).toEqual([2]);
  });

  it('quotes the first five problems and counts them all', () => {
    const { r, log } = reader();
    r.push(Buffer.from('x\n'.repeat(8)));
    expect(log.malformed).toBe(8);
    expect(log.problems).toHaveLength(5);
    expect(log.problems[4]).toBe('line 5: not JSON');
  });
});
