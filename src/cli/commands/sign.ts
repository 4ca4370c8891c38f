/**
 * `flopmeter sign FILE.json --key KEY [--out FILE]`: adds an Ed25519
 * signature to a report (replacing any earlier one) and writes it atomically,
 * over FILE unless --out names another file.
 */
import { open } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import type { Argv } from 'yargs';
import { UsageError, describeError } from '../../core/errors.js';
import { serializeReport } from '../../report/build.js';
import { readReport } from '../../report/read.js';
import { parsePrivateKey, signReport } from '../../report/signature.js';
import { checkWritable, writeAtomic } from '../../report/write.js';
import { EXIT, type CommandSpec } from '../context.js';

/**
 * Permission bits that must be clear on a private key file: any access by
 * group or others. Why refuse rather than warn: a key others could read may
 * already be copied, and signatures made with it would prove nothing
 * (OpenSSH refuses such keys for the same reason). Not checked on Windows,
 * where these bits do not reflect access.
 */
const GROUP_OTHER_ACCESS = 0o077;

export interface SignArgs {
  file: string;
  key: string;
  out?: string;
}

/** Reads and parses the private key, refusing one that group or others can access (exit 2, with the fix). */
async function readPrivateKey(path: string): Promise<KeyObject> {
  let text: string;
  try {
    const fh = await open(path, 'r');
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new UsageError(`--key ${path}: not a file`);
      if (process.platform !== 'win32' && (st.mode & GROUP_OTHER_ACCESS) !== 0) {
        throw new UsageError(`--key ${path}: the private key is accessible by group or others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); run chmod 600 ${path}`);
      }
      text = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--key ${path}: cannot read: ${describeError(err)}`);
  }
  return parsePrivateKey(text, `--key ${path}`);
}

export const signCommand: CommandSpec = {
  command: 'sign <file>',
  describe: 'Sign a report with an Ed25519 private key (see keygen), in place or to --out',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', describe: 'The report to sign (JSON)' })
      .option('key', { alias: 'k', type: 'string', demandOption: true, describe: 'Private key file (PKCS#8 PEM, from `flopmeter keygen`); must not be accessible by group or others' })
      .option('out', { alias: 'o', type: 'string', describe: 'Write the signed report here (default: rewrite FILE in place, atomically; a symlink is followed, the link kept; a read-only FILE is refused)' })
      .example('$0 sign flopmeter-20261122-100000.json --key lab-signing.key', 'sign a report in place; an earlier signature is replaced'),
  async run(args: SignArgs, ctx) {
    const key = await readPrivateKey(args.key);
    const report = readReport(args.file);
    const out = args.out ?? args.file;
    await checkWritable(out, args.out !== undefined ? '--out' : 'report');
    const previous = report.signature;
    const signed = signReport(report, key);
    await writeAtomic(out, serializeReport(signed), args.out !== undefined ? '--out' : 'report');
    const replaced = previous ? ` (replacing the signature by key ${previous.keyId} of ${previous.signedAt})` : '';
    ctx.stdout.write(`signed ${out} with key ${signed.signature!.keyId} at ${signed.signature!.signedAt}${replaced}\n`);
    return EXIT.OK;
  },
};
