/**
 * What `flopmeter report` does (its options: ../commands/report.ts): reads
 * the report and prints or writes it in the format asked for. Charts (and the
 * HTML machinery that draws them) are made only for HTML.
 */
import { reportDocument } from '../../report/document.js';
import { readReport } from '../../report/read.js';
import { chooseFormat, emit } from '../output.js';
import { EXIT, type CommandContext } from '../context.js';

/** The command's work; returns its exit code. */
export async function run(args: { file: string; format?: string; out?: string }, ctx: CommandContext): Promise<number> {
  const format = chooseFormat(args.format, args.out);
  const report = readReport(args.file);
  await emit(ctx, { format, out: args.out, doc: () => reportDocument(report, args.file, { charts: format === 'html' }), json: () => report, embedded: { id: 'flopmeter-report', data: report } });
  return EXIT.OK;
}
