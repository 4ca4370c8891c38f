/**
 * `flopmeter verify FILE.json --pubkey PUB`: checks a report's signature and
 * names everything that changed since it was signed. Exit 0 valid, 1 not
 * valid (every problem listed), 2 when the report or key cannot be read.
 */
import { readFile } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import type { Argv } from 'yargs';
import { escapeControl } from '../../core/control-chars.js';
import { UsageError, describeError } from '../../core/errors.js';
import { readReport } from '../../report/read.js';
import { parsePublicKey, verifyReport } from '../../report/signature.js';
import { EXIT, type CommandSpec } from '../context.js';

export interface VerifyArgs {
  file: string;
  pubkey: string;
}

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

export const verifyCommand: CommandSpec = {
  command: 'verify <file>',
  describe: "Check a signed report against the signer's public key; on failure, name what changed",
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', describe: 'The signed report (JSON)' })
      .option('pubkey', { type: 'string', demandOption: true, describe: 'Public key file (SPKI PEM, the .pub from `flopmeter keygen`)' })
      .example('$0 verify flopmeter-20261122-100000.json --pubkey lab-signing.pub', 'exit 0 and "valid: …" when untouched; else exit 1 and every problem'),
  async run(args: VerifyArgs, ctx) {
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
  },
};
