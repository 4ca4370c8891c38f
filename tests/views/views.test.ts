import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from '../../src/report/charts/svg.js';
import { MAX_ALIGNED_WIDTH } from '../../src/report/table.js';
import { heading, list, paragraph, table, type Document } from '../../src/views/document.js';
import { escapeHtml, renderHtml } from '../../src/views/html.js';
import { renderMarkdown } from '../../src/views/markdown.js';
import { renderText } from '../../src/views/text.js';

const XSS = '<script>alert(1)</script>';

/** A small bar chart; one of its labels is markup, which the SVG must carry as text. */
const SPEC = {
  width: 120,
  height: 60,
  data: { values: [{ k: 'alpha', v: 3 }, { k: 'beta', v: 5 }, { k: XSS, v: 1 }] },
  mark: 'bar',
  encoding: { x: { field: 'v', type: 'quantitative' }, y: { field: 'k', type: 'nominal' } },
} as TopLevelSpec;

function doc(): Document {
  return {
    title: `Report ${XSS}`,
    subtitle: 'from x.json · 2 results',
    blocks: [
      heading('Results'),
      paragraph(`A paragraph with ${XSS} & "quotes" and 'apostrophes'.`),
      list(['first item', `second ${XSS}`]),
      table({
        columns: [{ header: 'name' }, { header: 'value', align: 'right' }],
        rows: [
          ['a|b', '1.5'],
          ['<i>c</i>', '12.25'],
          ['*bold?*', '7'],
        ],
        marked: [
          [false, true],
          [false, false],
          [true, false],
        ],
      }),
      heading('Details <em>', 3),
      { kind: 'chart', id: 'bars"<1>', title: `A chart ${XSS}`, spec: SPEC, alt: `bars "alt" ${XSS}` },
    ],
  };
}

describe('renderText', () => {
  const text = renderText(doc());
  const lines = text.split('\n');

  it('starts with the title and subtitle and ends with one newline', () => {
    expect(lines.slice(0, 3)).toEqual([`Report ${XSS}`, 'from x.json · 2 results', '']);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('underlines headings, double for level 2 and single for level 3', () => {
    expect(lines[lines.indexOf('Results') + 1]).toBe('═══════');
    expect(lines[lines.indexOf('Details <em>') + 1]).toBe('─'.repeat('Details <em>'.length));
  });

  it('prints paragraphs and lists as they are (no escaping in plain text)', () => {
    expect(lines).toContain(`A paragraph with ${XSS} & "quotes" and 'apostrophes'.`);
    expect(lines).toContain('• first item');
    expect(lines).toContain(`• second ${XSS}`);
  });

  it('aligns the table, numbers right, and marks cells with " *"', () => {
    // The first column is as wide as its widest cell with its mark ("*bold?* *", 9).
    const start = lines.indexOf('name       value');
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start, start + 5)).toEqual([
      'name       value', //
      '─────────  ─────',
      'a|b        1.5 *',
      '<i>c</i>   12.25',
      '*bold?* *      7',
    ]);
  });

  it('leaves charts out', () => {
    expect(text).not.toContain('A chart');
    expect(text).not.toContain('bars');
    expect(text).not.toContain('<svg');
  });
});

describe('renderText tables', () => {
  it('aligns a column up to MAX_ALIGNED_WIDTH; a longer cell overflows its own row and pads no other', () => {
    const long = 'x'.repeat(10_000);
    const rows = [['a', '1'], [long, '2'], ['b'.repeat(MAX_ALIGNED_WIDTH), '3']];
    const lines = renderText({ title: 't', subtitle: 's', blocks: [table({ columns: [{ header: 'name' }, { header: 'n' }], rows })] }).split('\n');
    expect(lines).toContain(`${'a'.padEnd(MAX_ALIGNED_WIDTH)}  1`);
    expect(lines).toContain(`${long}  2`);
    expect(lines).toContain(`${'b'.repeat(MAX_ALIGNED_WIDTH)}  3`);
  });
});

describe('renderMarkdown', () => {
  const md = renderMarkdown(doc());
  const lines = md.split('\n');

  it('escapes markup in the title, headings, paragraphs and lists', () => {
    expect(lines[0]).toBe('# Report \\<script\\>alert(1)\\</script\\>');
    expect(lines[2]).toBe('_from x.json · 2 results_');
    expect(lines).toContain('## Results');
    expect(lines).toContain('### Details \\<em\\>');
    expect(lines).toContain(`A paragraph with \\<script\\>alert(1)\\</script\\> & "quotes" and 'apostrophes'.`);
    expect(lines).toContain('- second \\<script\\>alert(1)\\</script\\>');
    // No raw tag survives anywhere.
    expect(md).not.toMatch(/(^|[^\\])<script/);
  });

  it('writes the table with escaped cells, bold marked cells and ---: for right-aligned columns', () => {
    const start = lines.indexOf('| name | value |');
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start, start + 5)).toEqual([
      '| name | value |', //
      '| --- | ---: |',
      '| a\\|b | **1.5** |',
      '| \\<i\\>c\\</i\\> | 12.25 |',
      '| **\\*bold?\\*** | 7 |',
    ]);
  });

  it('leaves charts out', () => {
    expect(md).not.toContain('A chart');
    expect(md).not.toContain('<svg');
  });

  it('keeps a cell on one line (a newline shown as its escape, as in the text view) and escapes backslashes', () => {
    const out = renderMarkdown({ title: 't', subtitle: 's', blocks: [table({ columns: [{ header: 'a' }], rows: [['x\ny\\z']] })] });
    expect(out).toContain('| x\\\\u000ay\\\\z |');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeHtml('plain')).toBe('plain');
  });
});

/** The text of the page's `<script type="application/json" id=...>`, as an HTML parser would read it. */
function embeddedText(html: string, id: string): string {
  const open = `<script type="application/json" id="${id}">`;
  const start = html.indexOf(open);
  expect(start, 'the embed is there').toBeGreaterThan(0);
  const rest = html.slice(start + open.length);
  // Script data ends at the first "</script" — but only while the text holds no "<!--", which would
  // switch the tokenizer into the escaped states where "<script" … "</script>" no longer ends it.
  expect(rest.slice(0, rest.search(/<\/script/i))).not.toContain('<!--');
  return rest.slice(0, rest.search(/<\/script[\s/>]/i));
}

describe('renderHtml', () => {
  const embedded = {
    id: 'flopmeter-report',
    data: {
      note: `ends early? ${XSS} </SCRIPT > </script`,
      comment: '<!--<script>',
      nested: { html: '<b>&amp;</b>', list: [1, 2.5, null, true], unicode: 'µ · ° \u2028 \u2029 😀' },
    },
  };

  it('is one self-contained page: doctype, no script, nothing fetched', async () => {
    const html = await renderHtml(doc());
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain('<meta charset="utf-8">');
  });

  it('escapes every piece of text', async () => {
    const html = await renderHtml(doc());
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;';
    expect(html).toContain(`<title>Report ${escaped}</title>`);
    expect(html).toContain(`<h1>Report ${escaped}</h1>`);
    expect(html).toContain(`<p>A paragraph with ${escaped} &amp; &quot;quotes&quot; and &#39;apostrophes&#39;.</p>`);
    expect(html).toContain(`<ul><li>first item</li><li>second ${escaped}</li></ul>`);
    expect(html).toContain('<h3>Details &lt;em&gt;</h3>');
    expect(html).toContain(`<figcaption>A chart ${escaped}</figcaption>`);
    expect(html).not.toContain('<em>');
    expect(html).not.toContain('<i>');
  });

  it('draws tables with alignment and marked cells', async () => {
    const html = await renderHtml(doc());
    expect(html).toContain('<thead><tr><th>name</th><th class="right">value</th></tr></thead>');
    expect(html).toContain('<tr><td>a|b</td><td class="right marked">1.5</td></tr>');
    expect(html).toContain('<tr><td>&lt;i&gt;c&lt;/i&gt;</td><td class="right">12.25</td></tr>');
    expect(html).toContain('<tr><td class="marked">*bold?*</td><td class="right">7</td></tr>');
  });

  it('draws each chart as an inline SVG in a figure with an escaped id and text alternative', async () => {
    const html = await renderHtml(doc());
    expect(html).toContain(`<figure class="chart" data-chart="bars&quot;&lt;1&gt;" role="img" aria-label="bars &quot;alt&quot; &lt;script&gt;alert(1)&lt;/script&gt;">\n<svg`);
    expect(html.match(/<figure class="chart"/g)).toHaveLength(1);
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6);
    expect(svg).toContain('>alpha</text>');
    expect(svg).toContain('>beta</text>');
    // Vega escapes it: as an axis label (cut to the label limit) and in the bar's accessible name.
    expect(svg).toContain('>&lt;script&gt;alert(1)&lt;/s');
    expect(svg).toContain('aria-label="v: 1; k: &lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(svg.match(/aria-roledescription="bar"/g)).toHaveLength(3);
  });

  it('embeds the data as inert JSON that survives </script> and <!-- inside it', async () => {
    const html = await renderHtml(doc(), embedded);
    // The only script element is the JSON one.
    expect(html.match(/<script/gi)).toHaveLength(1);
    expect(html).toContain('<script type="application/json" id="flopmeter-report">');
    const text = embeddedText(html, 'flopmeter-report');
    expect(JSON.parse(text)).toEqual(embedded.data);
    // The element closes where the page expects it: what follows is the end of the page.
    const after = html.slice(html.indexOf(text) + text.length);
    expect(after).toBe('</script>\n</body>\n</html>\n');
  });

  it('escapes the embed id', async () => {
    const html = await renderHtml(doc(), { id: 'a"><b', data: 1 });
    expect(html).toContain('<script type="application/json" id="a&quot;&gt;&lt;b">1</script>');
  });
});
