/**
 * What `flopmeter verify` does (its options: ../commands/verify.ts): checks the
 * signature against the public key and lists every problem found.
 */
import { readFile } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { escapeControl } from '../../core/control-chars.js';
import { UsageError, describeError } from '../../core/errors.js';
import { readReport } from '../../report/read.js';
import { parsePublicKey, verifyReport } from '../../report/signature.js';
import { EXIT, type CommandContext } from '../context.js';
import type { VerifyArgs } from '../commands/verify.js';

async function readPublicKey(path: string): Promise<KeyObject> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--pubkey ${path}: cannot read: ${describeError(err)}`);
  }
  return parsePublicKey(text, `--pubkey ${path}`);
}

/** A string from the report (or the command line) as one inert line: its control characters escaped. */
const safe = (text: string | null): string => escapeControl(String(text));

/** The command's work; returns its exit code. */
export async function run(args: VerifyArgs, ctx: CommandContext): Promise<number> {
  const key = await readPublicKey(args.pubkey);
  const report = readReport(args.file);
  const v = verifyReport(report, key);
  if (v.valid) {
    ctx.stdout.write(`valid: signed by key ${safe(v.keyId)} at ${safe(v.signedAt)}\n`);
    return EXIT.OK;
  }
  // Names in the problems (result ids, member names) and the signature's fields come from the report: escaped.
  const by = v.keyId ? ` (signature by key ${safe(v.keyId)} at ${safe(v.signedAt)})` : '';
  ctx.stdout.write(`not valid: ${safe(args.file)}${by}\n${v.problems.map((p) => `  - ${safe(p)}\n`).join('')}`);
  // Exit 1: the check ran and failed (as a result failing verification does for `run`).
  return EXIT.FAILED_RESULTS;
}
