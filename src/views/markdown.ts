/** A document as GitHub-flavoured Markdown; charts left out (the HTML view has them). */
import type { Document } from './document.js';

/** Escapes what would break a table cell or start Markdown syntax. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/([*_`[\]<>])/g, '\\$1');
}

export function renderMarkdown(doc: Document): string {
  const out: string[] = [`# ${cell(doc.title)}`, '', `_${cell(doc.subtitle)}_`, ''];
  for (const b of doc.blocks) {
    switch (b.kind) {
      case 'heading':
        out.push(`${'#'.repeat(b.level)} ${cell(b.text)}`);
        break;
      case 'paragraph':
        out.push(cell(b.text));
        break;
      case 'list':
        out.push(...b.items.map((i) => `- ${cell(i)}`));
        break;
      case 'table': {
        const { columns, rows, marked } = b.table;
        out.push(`| ${columns.map((c) => cell(c.header)).join(' | ')} |`);
        out.push(`| ${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`);
        for (const [i, row] of rows.entries()) out.push(`| ${row.map((c, j) => (marked?.[i]?.[j] ? `**${cell(c)}**` : cell(c))).join(' | ')} |`);
        break;
      }
      case 'chart':
        continue;
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
