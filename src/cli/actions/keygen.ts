/**
 * What `flopmeter keygen` does (its options: ../commands/keygen.ts): creates
 * the key pair's two files, the private one with its mode set at creation.
 */
import { open, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError, describeError } from '../../core/errors.js';
import { generateKeyPair, keyIdOf } from '../../report/signature.js';
import { EXIT, type CommandContext } from '../context.js';
import type { KeygenArgs } from '../commands/keygen.js';

/** Mode of the private key file, set when it is created: owner read/write only. Why at creation: a chmod afterwards leaves a moment when others could open it. */
export const PRIVATE_KEY_MODE = 0o600;
/** Mode of the public key file: anyone may read it. */
const PUBLIC_KEY_MODE = 0o644;

/** Refuses (exit 2) when a target exists without --force or its directory is missing; removes existing targets with --force. */
async function prepareTargets(paths: readonly string[], force: boolean): Promise<void> {
  for (const path of paths) {
    const existing = await stat(path).catch(() => null);
    if (existing?.isDirectory()) throw new UsageError(`--out: ${path} is a directory`);
    if (existing && !force) throw new UsageError(`--out: ${path} already exists; choose another prefix or add --force to overwrite it`);
    const dir = await stat(dirname(resolve(path))).catch(() => null);
    if (!dir?.isDirectory()) throw new UsageError(`--out: directory ${dirname(resolve(path))} does not exist`);
  }
  // Removed rather than truncated, so the new private key file is created (with its mode), never reused with an old one's mode.
  if (force) for (const path of paths) await rm(path, { force: true });
}

/** Creates a new file with the given mode (refusing to follow or replace anything already there) and writes text to it. */
async function createFile(path: string, text: string, mode: number): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'wx', mode);
  } catch (err) {
    throw new UsageError(`--out: cannot create ${path}: ${describeError(err)}`);
  }
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The command's work; returns its exit code. */
export async function run(args: KeygenArgs, ctx: CommandContext): Promise<number> {
  if (!args.out) throw new UsageError('--out: give a path prefix, e.g. --out lab-signing');
  const keyPath = `${args.out}.key`;
  const pubPath = `${args.out}.pub`;
  await prepareTargets([keyPath, pubPath], args.force);
  const pair = generateKeyPair();
  await createFile(keyPath, pair.privateKeyPem, PRIVATE_KEY_MODE);
  await createFile(pubPath, pair.publicKeyPem, PUBLIC_KEY_MODE);
  ctx.stdout.write(`key id ${keyIdOf(pair.publicKeyPem)}\nprivate key: ${keyPath} (mode 0600; keep it secret)\npublic key: ${pubPath}\n`);
  return EXIT.OK;
}
