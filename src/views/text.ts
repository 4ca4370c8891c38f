/** A document for the terminal: headings underlined, tables aligned; charts left out. */
import { renderTable } from '../report/table.js';
import type { Document } from './document.js';

export function renderText(doc: Document): string {
  const out: string[] = [doc.title, doc.subtitle, ''];
  for (const b of doc.blocks) {
    switch (b.kind) {
      case 'heading':
        out.push(b.text, (b.level === 2 ? '═' : '─').repeat(b.text.length));
        break;
      case 'paragraph':
        out.push(b.text);
        break;
      case 'list':
        out.push(...b.items.map((i) => `• ${i}`));
        break;
      case 'table':
        // Marked cells get a trailing "*" so they stand out without colour.
        out.push(renderTable(b.table.columns, b.table.rows.map((row, i) => row.map((c, j) => (b.table.marked?.[i]?.[j] ? `${c} *` : c)))));
        break;
      case 'chart':
        continue;
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
