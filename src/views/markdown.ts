/** A document as GitHub-flavoured Markdown; charts left out (the HTML view has them). */
import { escapeControl } from '../core/control-chars.js';
import type { Block, Document } from './document.js';

/** Escapes control characters (src/core/control-chars.ts), then what would break a table cell or start Markdown syntax. */
function cell(text: string): string {
  return escapeControl(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/([*_`[\]<>])/g, '\\$1');
}

/** The lines of one block (none for a chart). */
function blockLines(b: Block): string[] {
  switch (b.kind) {
    case 'heading':
      return [`${'#'.repeat(b.level)} ${cell(b.text)}`];
    case 'paragraph':
      return [cell(b.text)];
    case 'list':
      return b.items.map((i) => `- ${cell(i)}`);
    case 'table': {
      const { columns, rows, marked } = b.table;
      return [
        `| ${columns.map((c) => cell(c.header)).join(' | ')} |`,
        `| ${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`,
        ...rows.map((row, i) => `| ${row.map((c, j) => (marked?.[i]?.[j] ? `**${cell(c)}**` : cell(c))).join(' | ')} |`),
      ];
    }
    case 'chart':
      return [];
  }
}

export function renderMarkdown(doc: Document): string {
  const out: string[] = [`# ${cell(doc.title)}`, '', `_${cell(doc.subtitle)}_`, ''];
  for (const b of doc.blocks) {
    if (b.kind === 'chart') continue;
    // One line at a time: a block can hold more items than a call may take arguments.
    for (const line of blockLines(b)) out.push(line);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
