/**
 * `flopmeter sign FILE.json --key KEY [--out FILE]`: adds an Ed25519
 * signature to a report (replacing any earlier one) and writes it atomically,
 * over FILE unless --out names another file.
 */
import type { Argv } from 'yargs';
import { lazyRun, type CommandSpec } from '../context.js';

export interface SignArgs {
  file: string;
  key: string;
  out?: string;
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
  run: lazyRun(() => import('../actions/sign.js')),
};
