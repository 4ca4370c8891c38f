/**
 * `flopmeter verify FILE.json --pubkey PUB`: checks a report's signature and
 * names everything that changed since it was signed. Exit 0 valid, 1 not
 * valid (every problem listed), 2 when the report or key cannot be read.
 */
import type { Argv } from 'yargs';
import { lazyRun, type CommandSpec } from '../context.js';

export interface VerifyArgs {
  file: string;
  pubkey: string;
}

export const verifyCommand: CommandSpec = {
  command: 'verify <file>',
  describe: "Check a signed report against the signer's public key; on failure, name what changed",
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', describe: 'The signed report (JSON)' })
      .option('pubkey', { type: 'string', demandOption: true, describe: 'Public key file (SPKI PEM, the .pub from `flopmeter keygen`)' })
      .example('$0 verify flopmeter-20261122-100000.json --pubkey lab-signing.pub', 'exit 0 and "valid: …" when untouched; else exit 1 and every problem'),
  run: lazyRun(() => import('../actions/verify.js')),
};
