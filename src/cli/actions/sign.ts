/**
 * What `flopmeter sign` does (its options: ../commands/sign.ts): reads the
 * private key (refusing one others can read), signs the report and writes it.
 */
import { open } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { UsageError, describeError } from '../../core/errors.js';
import { serializeReport } from '../../report/build.js';
import { readReport } from '../../report/read.js';
import { parsePrivateKey, signReport } from '../../report/signature.js';
import { checkWritable, writeAtomic } from '../../report/write.js';
import { EXIT, type CommandContext } from '../context.js';
import type { SignArgs } from '../commands/sign.js';

/**
 * Permission bits that must be clear on a private key file: any access by
 * group or others. Why refuse rather than warn: a key others could read may
 * already be copied, and signatures made with it would prove nothing
 * (OpenSSH refuses such keys for the same reason). Not checked on Windows,
 * where these bits do not reflect access.
 */
const GROUP_OTHER_ACCESS = 0o077;

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

/** The command's work; returns its exit code. */
export async function run(args: SignArgs, ctx: CommandContext): Promise<number> {
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
}
