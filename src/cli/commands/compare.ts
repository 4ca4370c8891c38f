/**
 * `flopmeter compare A.json B.json [...]`: the same workloads in several
 * reports side by side, each against the baseline with a ratio, its 95 %
 * interval and a verdict; hosts and devices beside them.
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { compareReports, labelsFor } from '../../compare/compare.js';
import { comparisonDocument } from '../../compare/document.js';
import { comparisonJson } from '../../compare/json.js';
import { UsageError } from '../../core/errors.js';
import { readReport } from '../../report/read.js';
import { chooseFormat, emit, FORMATS } from '../output.js';
import { EXIT, type CommandSpec } from '../context.js';

interface CompareArgs {
  files: string[];
  baseline?: string;
  force: boolean;
  format?: string;
  out?: string;
}

export const compareCommand: CommandSpec = {
  command: 'compare <files..>',
  describe: 'Compare reports: ratios to a baseline with 95 % intervals and verdicts, devices and settings side by side',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, describe: 'Two or more flopmeter JSON reports (one column each)', demandOption: true })
      .option('baseline', { type: 'string', describe: 'The report the others are compared with (default: the first)' })
      .option('force', { type: 'boolean', default: false, describe: 'Compare results whose probe definitions differ (marked as forced)' })
      .option('format', { alias: 'f', type: 'string', choices: FORMATS, describe: 'text (default), md, html or json; default from --out’s extension' })
      .option('out', { alias: 'o', type: 'string', describe: 'Write to this file (atomically) instead of stdout' })
      .example('flopmeter compare before.json after.json', 'faster, slower or no significant difference, per result')
      .example('flopmeter compare node*.json --baseline node1.json -o fleet.html', 'a fleet, one column per report, with charts'),
  async run(args: CompareArgs, ctx) {
    const files = args.files.map(String);
    const baselineFile = args.baseline;
    if (baselineFile !== undefined && !files.some((f) => resolve(f) === resolve(baselineFile))) files.unshift(baselineFile);
    if (files.length < 2) throw new UsageError(`compare needs at least two reports; got ${files.length}`);
    const format = chooseFormat(args.format, args.out);
    const labels = labelsFor(files);
    const reports = files.map((source, i) => ({ label: labels[i]!, source, report: readReport(source) }));
    const baseline = baselineFile === undefined ? 0 : files.findIndex((f) => resolve(f) === resolve(baselineFile));
    const comparison = compareReports(reports, { baseline, force: args.force });
    await emit(ctx, { format, out: args.out, doc: () => comparisonDocument(comparison), json: () => comparisonJson(comparison) });
    return EXIT.OK;
  },
};
