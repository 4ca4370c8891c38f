/**
 * `flopmeter report FILE.json`: any report (of any published schema version)
 * as a terminal table, Markdown, a self-contained HTML page, or the JSON
 * upgraded to the current schema.
 */
import type { Argv } from 'yargs';
import { FORMATS } from '../formats.js';
import { lazyRun, type CommandSpec } from '../context.js';

export const reportCommand: CommandSpec = {
  command: 'report <file>',
  describe: 'Show a report as a table, Markdown or a self-contained HTML page with charts',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', describe: 'A flopmeter JSON report', demandOption: true })
      .option('format', { alias: 'f', type: 'string', choices: FORMATS, describe: 'text (default), md, html, or json (the report in the current schema); default from --out’s extension' })
      .option('out', { alias: 'o', type: 'string', describe: 'Write to this file instead of stdout: atomically (a symlink is followed, the link kept); a FIFO or character device in place; a socket or read-only file is refused' })
      .example('flopmeter report run.json', 'the summary, budgets and provenance on the terminal')
      .example('flopmeter report run.json -o run.html', 'one HTML file with latency, telemetry, roofline and efficiency charts; opens offline'),
  run: lazyRun(() => import('../actions/report.js')),
};
