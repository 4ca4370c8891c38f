/**
 * A document for the terminal: headings underlined, tables aligned; charts
 * left out. Every string is shown with its control characters escaped
 * (src/core/control-chars.ts): a report's strings cannot drive the terminal.
 */
import { escapeControl as safe } from '../core/control-chars.js';
import { renderTable } from '../report/table.js';
import type { Block, Document } from './document.js';

/** The lines of one block (none for a chart). */
function blockLines(b: Block): string[] {
  switch (b.kind) {
    case 'heading': {
      const text = safe(b.text);
      return [text, (b.level === 2 ? '═' : '─').repeat(text.length)];
    }
    case 'paragraph':
      return [safe(b.text)];
    case 'list':
      return b.items.map((i) => `• ${safe(i)}`);
    case 'table': {
      const { columns, rows, marked } = b.table;
      // Marked cells get a trailing "*" so they stand out without colour.
      const cells = rows.map((row, i) => row.map((c, j) => (marked?.[i]?.[j] ? `${safe(c)} *` : safe(c))));
      return [renderTable(columns.map((c) => ({ ...c, header: safe(c.header) })), cells)];
    }
    case 'chart':
      return [];
  }
}

export function renderText(doc: Document): string {
  const out: string[] = [safe(doc.title), safe(doc.subtitle), ''];
  for (const b of doc.blocks) {
    if (b.kind === 'chart') continue;
    // One line at a time: a block can hold more items than a call may take arguments.
    for (const line of blockLines(b)) out.push(line);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
