/**
 * What `flopmeter compare` does (its options: ../commands/compare.ts): reads
 * the reports, splits them by a parameter where asked, compares each with the
 * baseline and prints or writes the comparison.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { compareReports, labelsFor } from '../../compare/compare.js';
import { comparisonDocument } from '../../compare/document.js';
import { comparisonJson } from '../../compare/json.js';
import { splitBy } from '../../compare/split.js';
import type { ComparedReport } from '../../compare/compare.js';
import { escapeControl } from '../../core/control-chars.js';
import { UsageError } from '../../core/errors.js';
import { readReport } from '../../report/read.js';
import { chooseFormat, emit } from '../output.js';
import { EXIT, type CommandContext } from '../context.js';
import type { CompareArgs } from '../commands/compare.js';

/** The baseline column: a report file (with --by, that file's first column) or, with --by, a parameter value; default the first. */
function baselineIndex(reports: readonly ComparedReport[], split: boolean, baseline: string | undefined): number {
  if (baseline === undefined) return 0;
  const byValue = split ? reports.findIndex((r) => r.label === baseline || r.label.endsWith(` ${baseline}`)) : -1;
  const index = byValue >= 0 ? byValue : reports.findIndex((r) => resolve(r.source) === resolve(baseline));
  // With --by, the columns are named by values from the reports: escaped.
  if (index < 0) throw new UsageError(escapeControl(`--baseline ${baseline}: no such column; columns: ${reports.map((r) => r.label).join(', ')}`));
  return index;
}

/** The command's work; returns its exit code. */
export async function run(args: CompareArgs, ctx: CommandContext): Promise<number> {
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
}
