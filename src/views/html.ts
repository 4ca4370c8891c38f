/**
 * A document as one self-contained HTML file: inline CSS, every chart drawn at
 * report time as inline SVG, no script and nothing fetched — it opens offline
 * and shows the same in every browser. The data the page was made from can be
 * embedded (as JSON in an inert <script type="application/json">) so that the
 * page stays traceable to its report.
 */
import { escapeControl, escapeControlKeepLayout } from '../core/control-chars.js';
import { renderSvg } from '../report/charts/svg.js';
import type { Block, Document } from './document.js';

/** Text for an element or attribute: control characters made visible (as in the text view), markup characters as references. */
export function escapeHtml(text: string): string {
  return escapeControl(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 1400px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
.subtitle { color: #666; margin-top: 0; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #e3e3e3; padding: 0.25rem 0.5rem; vertical-align: top; }
th { background: #f6f6f6; text-align: left; }
td.right, th.right { text-align: right; }
td.marked { background: #fff3cd; font-weight: 600; }
figure { margin: 0.5rem 0 1.5rem; display: inline-block; vertical-align: top; }
figcaption { color: #555; font-size: 0.9rem; max-width: 60rem; }
.chart svg { max-width: 100%; height: auto; }
`;

async function block(b: Block): Promise<string> {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level}>${escapeHtml(b.text)}</h${b.level}>`;
    case 'paragraph':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'table': {
      const { columns, rows, marked } = b.table;
      const cls = (align: string | undefined, mark: boolean | undefined): string => {
        const c = [align === 'right' ? 'right' : '', mark ? 'marked' : ''].filter(Boolean).join(' ');
        return c ? ` class="${c}"` : '';
      };
      const head = `<tr>${columns.map((c) => `<th${cls(c.align, false)}>${escapeHtml(c.header)}</th>`).join('')}</tr>`;
      const body = rows.map((row, i) => `<tr>${row.map((c, j) => `<td${cls(columns[j]?.align, marked?.[i]?.[j])}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
      return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
    }
    case 'chart': {
      const svg = await renderSvg(b.spec);
      return `<figure class="chart" data-chart="${escapeHtml(b.id)}" role="img" aria-label="${escapeHtml(b.alt)}">\n${svg}\n<figcaption>${escapeHtml(b.title)}</figcaption>\n</figure>`;
    }
  }
}

/** The page. `embedded`: the source data, kept in the page as inert JSON. */
export async function renderHtml(doc: Document, embedded?: { id: string; data: unknown }): Promise<string> {
  const blocks = await Promise.all(doc.blocks.map(block));
  // No "<" at all in the script's text: "</script" would end the element early, and "<!--" then "<script"
  // would put the HTML tokenizer in a state where the real "</script>" no longer ends it. JSON allows "\u003c".
  const json = embedded ? `\n<script type="application/json" id="${escapeHtml(embedded.id)}">${JSON.stringify(embedded.data).replace(/</g, '\\u003c')}</script>` : '';
  // Control characters left in the page (chart labels Vega drew, the embedded JSON's strings) as escapes too, so
  // that a page printed to a terminal cannot drive it; inside a JSON string the escape is the same character.
  return escapeControlKeepLayout(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="flopmeter">
<title>${escapeHtml(doc.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(doc.title)}</h1>
<p class="subtitle">${escapeHtml(doc.subtitle)}</p>
${blocks.join('\n')}${json}
</body>
</html>
`);
}
