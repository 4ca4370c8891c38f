/**
 * A plain text table: columns padded to their widest cell, numbers right-aligned.
 */

/**
 * Widest cell a column is padded to. Wider than anything a summary cell holds; a longer cell (a JSON
 * identity, a hostile host name) overflows its row instead of padding every other row to its width,
 * which would multiply a report's size by its row count.
 */
export const MAX_ALIGNED_WIDTH = 120;

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export function renderTable(columns: readonly Column[], rows: readonly string[][]): string {
  // A loop, not Math.max(...cells): a report can have more rows than a call may take arguments.
  const widths = columns.map((c) => c.header.length);
  for (const row of rows) {
    for (let i = 0; i < widths.length; i++) {
      const length = (row[i] ?? '').length;
      if (length <= MAX_ALIGNED_WIDTH) widths[i] = Math.max(widths[i]!, length);
    }
  }
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (columns[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}
