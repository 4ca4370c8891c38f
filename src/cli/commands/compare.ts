/**
 * `flopmeter compare A.json B.json [...]`: the same workloads in several
 * reports side by side, each against the baseline with a ratio, its 95 %
 * interval and a verdict; hosts and devices beside them.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { compareReports, labelsFor } from '../../compare/compare.js';
import { comparisonDocument } from '../../compare/document.js';
import { comparisonJson } from '../../compare/json.js';
import { splitBy } from '../../compare/split.js';
import type { ComparedReport } from '../../compare/compare.js';
import { escapeControl } from '../../core/control-chars.js';
import { UsageError } from '../../core/errors.js';
import { readReport } from '../../report/read.js';
import { chooseFormat, emit, FORMATS } from '../output.js';
import { EXIT, type CommandSpec } from '../context.js';

interface CompareArgs {
  files: string[];
  baseline?: string;
  by?: string;
  force: boolean;
  format?: string;
  out?: string;
}

/** The baseline column: a report file (with --by, that file's first column) or, with --by, a parameter value; default the first. */
function baselineIndex(reports: readonly ComparedReport[], split: boolean, baseline: string | undefined): number {
  if (baseline === undefined) return 0;
  const byValue = split ? reports.findIndex((r) => r.label === baseline || r.label.endsWith(` ${baseline}`)) : -1;
  const index = byValue >= 0 ? byValue : reports.findIndex((r) => resolve(r.source) === resolve(baseline));
  // With --by, the columns are named by values from the reports: escaped.
  if (index < 0) throw new UsageError(escapeControl(`--baseline ${baseline}: no such column; columns: ${reports.map((r) => r.label).join(', ')}`));
  return index;
}

export const compareCommand: CommandSpec = {
  command: 'compare <files..>',
  describe: 'Compare reports: ratios to a baseline with 95 % intervals and verdicts, devices and settings side by side',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, describe: 'Two or more flopmeter JSON reports (one column each)', demandOption: true })
      .option('baseline', { type: 'string', describe: 'The report the others are compared with (default: the first)' })
      .option('by', { type: 'string', describe: 'Split each report into one column per value of this parameter, e.g. engine (then one report is enough, and --baseline may name a value)' })
      .option('force', { type: 'boolean', default: false, describe: 'Compare results whose probe definitions differ (marked as forced)' })
      .option('format', { alias: 'f', type: 'string', choices: FORMATS, describe: 'text (default), md, html or json; default from --out’s extension' })
      .option('out', { alias: 'o', type: 'string', describe: 'Write to this file instead of stdout: atomically (a symlink is followed, the link kept); a FIFO or character device in place; a socket or read-only file is refused' })
      .example('flopmeter compare run.json --by engine --baseline tfjs-wasm', 'one run’s TensorFlow.js engines side by side')
      .example('flopmeter compare before.json after.json', 'faster, slower or no significant difference, per result')
      .example('flopmeter compare node*.json --baseline node1.json -o fleet.html', 'a fleet, one column per report, with charts'),
  async run(args: CompareArgs, ctx) {
    const files = args.files.map(String);
    const baselineFile = args.baseline;
    const isValue = args.by !== undefined && baselineFile !== undefined && !existsSync(baselineFile);
    if (baselineFile !== undefined && !isValue && !files.some((f) => resolve(f) === resolve(baselineFile))) files.unshift(baselineFile);
    if (args.by === undefined && files.length < 2) throw new UsageError(`compare needs at least two reports (or one with --by); got ${files.length}`);
    const format = chooseFormat(args.format, args.out);
    const labels = labelsFor(files);
    const read = files.map((source, i) => ({ label: labels[i]!, source, report: readReport(source) }));
    const reports = args.by === undefined ? read : splitBy(read, args.by);
    const baseline = baselineIndex(reports, args.by !== undefined, baselineFile);
    const comparison = compareReports(reports, { baseline, force: args.force, matchDevices: args.by === undefined });
    await emit(ctx, { format, out: args.out, doc: () => comparisonDocument(comparison), json: () => comparisonJson(comparison) });
    return EXIT.OK;
  },
};
