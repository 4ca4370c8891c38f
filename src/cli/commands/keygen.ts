/**
 * `flopmeter keygen --out PREFIX`: a new Ed25519 key pair for signing reports,
 * PREFIX.key (PKCS#8 PEM, created with mode 0600) and PREFIX.pub (SPKI PEM).
 */
import type { Argv } from 'yargs';
import { lazyRun, type CommandSpec } from '../context.js';

export interface KeygenArgs {
  out: string;
  force: boolean;
}

export const keygenCommand: CommandSpec = {
  command: 'keygen',
  describe: 'Create an Ed25519 key pair for signing reports (PREFIX.key, private, mode 0600; PREFIX.pub, public)',
  builder: (y: Argv) =>
    y
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'Path prefix of the key files: writes PREFIX.key and PREFIX.pub' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite existing key files' })
      .example('$0 keygen --out lab-signing', 'writes lab-signing.key (keep it secret) and lab-signing.pub (give it to whoever verifies)'),
  run: lazyRun(() => import('../actions/keygen.js')),
};
