/**
 * Where `report` and `compare` print: the format (asked for, or taken from the
 * --out file's extension), and the page written atomically to --out or to stdout.
 */
import { extname } from 'node:path';
import { UsageError } from '../core/errors.js';
import { checkWritable, writeAtomic } from '../report/write.js';
import type { Document } from '../views/document.js';
import { renderText } from '../views/text.js';
import type { CommandContext } from './context.js';
import { FORMATS, type Format } from './formats.js';

const BY_EXTENSION: Record<string, Format> = { '.html': 'html', '.htm': 'html', '.md': 'md', '.markdown': 'md', '.json': 'json', '.txt': 'text' };

/** --format if given, else the --out file's extension, else text. */
export function chooseFormat(format: string | undefined, out: string | undefined): Format {
  if (format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${format}: unknown; valid: ${FORMATS.join(', ')}`);
    return format as Format;
  }
  return (out && BY_EXTENSION[extname(out).toLowerCase()]) || 'text';
}

/** The HTML page: its module (Vega, Vega-Lite) is loaded only when a page is asked for, so text and Markdown start at once. */
async function renderHtml(doc: Document, embedded?: { id: string; data: unknown }): Promise<string> {
  const html = await import('../views/html.js');
  return html.renderHtml(doc, embedded);
}

/** Markdown, its module loaded only when asked for: text, the default, starts without it. */
async function renderMarkdown(doc: Document): Promise<string> {
  return (await import('../views/markdown.js')).renderMarkdown(doc);
}

/** Renders the document (or, for json, the data) and writes it. */
export async function emit(ctx: CommandContext, opts: { format: Format; out?: string; doc: () => Document; json: () => unknown; embedded?: { id: string; data: unknown } }): Promise<void> {
  if (opts.out) await checkWritable(opts.out);
  const text =
    opts.format === 'json'
      ? `${JSON.stringify(opts.json(), null, 2)}\n`
      : opts.format === 'html'
        ? await renderHtml(opts.doc(), opts.embedded)
        : opts.format === 'md'
          ? await renderMarkdown(opts.doc())
          : renderText(opts.doc());
  if (opts.out) {
    await writeAtomic(opts.out, text);
    ctx.stderr.write(`wrote ${opts.out}\n`);
  } else ctx.stdout.write(text);
}
