import { describe, expect, it } from 'vitest';
import { TABLE_WIDTH, abbreviate, columnWidths, renderTable, type Column } from '../../src/report/table.js';

describe('abbreviate', () => {
  it('leaves a text that fits as it is', () => {
    expect(abbreviate('gemm n=256', 10)).toBe('gemm n=256');
  });

  it('cuts before an aside in parentheses or at a space near the end, else inside a word, ending in …, never longer than the width', () => {
    // "dtype=f32 n=4096 m=2048" to 18: the space after "4096" is in the last third.
    expect(abbreviate('dtype=f32 n=4096 m=2048', 18)).toBe('dtype=f32 n=4096…');
    expect(abbreviate('tfjs-wasm (TensorFlow.js 4.22.0, XNNPACK)', 14)).toBe('tfjs-wasm…');
    // To 8 and 20: no space in the first 7 or 19 characters, so the word itself is cut; to 24, the cut falls before a space;
    // to 22, the one space is too far back to lose what follows it.
    expect(abbreviate('dtype=f32 n=4096', 8)).toBe('dtype=f…');
    expect(abbreviate('dtype=f32 n=4096 m=2048 k=1024', 24)).toBe('dtype=f32 n=4096 m=2048…');
    expect(abbreviate('scenario=single-stream engine=tfjs-wasm', 20)).toBe('scenario=single-str…');
    expect(abbreviate('transformer scenario=single-stream', 22)).toBe('transformer scenario=…');
    expect(abbreviate('abcdef', 1)).toBe('…');
    expect(abbreviate('abcdef', 0)).toBe('');
    for (let w = 1; w < 30; w++) expect(abbreviate('scenario=train-step engine=tfjs-wasm batch=8', w).length).toBeLessThanOrEqual(w);
  });
});

describe('columnWidths', () => {
  const columns: Column[] = [{ header: 'name', shrink: 6 }, { header: 'value', align: 'right' }, { header: 'notes', shrink: 10 }];

  it('is each column’s widest cell when the table fits', () => {
    expect(columnWidths(columns, [['alpha', '1.5', 'short']])).toEqual([5, 5, 5]);
  });

  it('narrows the columns that may shrink, the one furthest above its floor first, down to the width asked for', () => {
    const rows = [['n'.repeat(40), '12.25', 'x'.repeat(30)]];
    // 40 + 5 + 30 + 2 × 2 = 79 → 50: both shrink until the total fits, the wider by more.
    const widths = columnWidths(columns, rows, 50);
    expect(widths.reduce((s, w) => s + w, 0) + 4).toBe(50);
    expect(widths[1]).toBe(5);
    expect(Math.abs(widths[0]! - 6 - (widths[2]! - 10))).toBeLessThanOrEqual(1);
  });

  it('never narrows a column below its floor, its header, or one that may not shrink', () => {
    const rows = [['n'.repeat(40), '1'.repeat(60), 'x'.repeat(30)]];
    expect(columnWidths(columns, rows, 20)).toEqual([6, 60, 10]);
    expect(columnWidths([{ header: 'a long header', shrink: 2 }], [['y'.repeat(50)]], 5)).toEqual(['a long header'.length]);
  });
});

describe('renderTable', () => {
  it('abbreviates only the cells of columns that may shrink, and keeps every line within the width', () => {
    const columns: Column[] = [{ header: 'workload', shrink: 12 }, { header: 'figure', align: 'right' }];
    const rows = [
      ['transformer scenario=train-step engine=tfjs-wasm batch=8 sequence=512 width=768 heads=12'.repeat(2), '12.34 ksample/s'],
      ['gemm n=256', '4.000 GFLOP/s'],
    ];
    const lines = renderTable(columns, rows, 40).split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
    expect(lines[2]).toMatch(/^transformer [^ ]*… {2}12\.34 ksample\/s$/);
    expect(lines[3]).toMatch(/^gemm n=256 +4\.000 GFLOP\/s$/);
  });

  it(`fits ${TABLE_WIDTH} columns by default`, () => {
    const lines = renderTable([{ header: 'a', shrink: 10 }, { header: 'b', shrink: 10 }], [['a'.repeat(200), 'b'.repeat(200)]]).split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBe(TABLE_WIDTH);
  });
});
