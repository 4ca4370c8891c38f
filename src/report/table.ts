/**
 * A plain text table: columns padded to their widest cell, numbers right-aligned;
 * columns that may be abbreviated are narrowed (their cells cut with "…") until
 * the table fits a terminal's width.
 */

/**
 * Widest cell a column is padded to. Wider than anything a summary cell holds; a longer cell (a JSON
 * identity, a hostile host name) overflows its row instead of padding every other row to its width,
 * which would multiply a report's size by its row count.
 */
export const MAX_ALIGNED_WIDTH = 120;

/**
 * Characters a table's lines may take when its columns can be abbreviated. Why 120: wide enough for a
 * summary's figures side by side, narrow enough for a laptop terminal or a split window at a readable size.
 */
export const TABLE_WIDTH = 120;

/** Space between two columns, characters. */
const GAP = 2;

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /**
   * Fewest characters the column may be narrowed to, its cells abbreviated with "…", when the table is
   * wider than TABLE_WIDTH (absent: never narrowed). For text such as parameters and engines whose full
   * form is shown elsewhere.
   */
  shrink?: number;
}

/** The text cut to `width` characters, ending in "…" when cut: before an aside or at a space where one is near the end. */
export function abbreviate(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  const cut = text.slice(0, width - 1);
  // Cut just before a space: whole words already.
  if (text[width - 1] === ' ') return `${cut}…`;
  // An aside in parentheses goes first ("tfjs-wasm…", not "tfjs-wasm (Ten…"); else whole words where that loses
  // little, else as much as fits ("transformer scenario=sin…" says more than "transformer…").
  const aside = cut.lastIndexOf(' (');
  if (aside >= width / 2) return `${cut.slice(0, aside)}…`;
  const space = cut.lastIndexOf(' ');
  return `${space >= (2 * width) / 3 ? cut.slice(0, space) : cut.trimEnd()}…`;
}

/**
 * Each column's width: its widest cell (up to MAX_ALIGNED_WIDTH), then, while the table is wider than
 * `maxWidth`, the column that may shrink furthest above its floor narrowed by one character.
 */
export function columnWidths(columns: readonly Column[], rows: readonly string[][], maxWidth = TABLE_WIDTH): number[] {
  // A loop, not Math.max(...cells): a report can have more rows than a call may take arguments.
  const widths = columns.map((c) => c.header.length);
  for (const row of rows) {
    for (let i = 0; i < widths.length; i++) {
      const length = (row[i] ?? '').length;
      // A cell of a column that may shrink will be abbreviated: it counts, up to the widest alignment.
      if (length <= MAX_ALIGNED_WIDTH || columns[i]!.shrink !== undefined) widths[i] = Math.max(widths[i]!, Math.min(length, MAX_ALIGNED_WIDTH));
    }
  }
  const floors = columns.map((c) => (c.shrink === undefined ? Infinity : Math.max(c.shrink, c.header.length)));
  let excess = widths.reduce((s, w) => s + w, 0) + GAP * (widths.length - 1) - maxWidth;
  for (; excess > 0; excess--) {
    // The column furthest above its floor gives up a character.
    let pick = -1;
    for (let i = 0; i < widths.length; i++) if (widths[i]! > floors[i]! && (pick === -1 || widths[i]! - floors[i]! > widths[pick]! - floors[pick]!)) pick = i;
    if (pick === -1) break;
    widths[pick] = widths[pick]! - 1;
  }
  return widths;
}

/** The table as text; `widths`: the column widths when the caller has worked them out already (columnWidths). */
export function renderTable(columns: readonly Column[], rows: readonly string[][], maxWidth = TABLE_WIDTH, widths: readonly number[] = columnWidths(columns, rows, maxWidth)): string {
  const line = (cells: readonly string[]): string =>
    cells
      .map((text, i) => {
        const cell = columns[i]!.shrink === undefined ? text : abbreviate(text, widths[i]!);
        return columns[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}
