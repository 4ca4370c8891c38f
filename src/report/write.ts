/**
 * Writing reports without destroying what the path points at (see
 * ./target.ts): a file is replaced atomically (a temporary file in the same
 * directory, flushed, then renamed over it), so a reader never sees half a
 * report; a FIFO or character device is written in place. A check before
 * the run says whether the target can be written at all.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FlopmeterError, UsageError, describeError } from '../core/errors.js';
import { outTarget, type OutTarget } from './target.js';

/** Mode of a new report file (before the umask): readable by all, as reports are meant to be shared. */
const NEW_FILE_MODE = 0o644;

function tempNameFor(path: string, tag: string): string {
  return `${path}.${process.pid}.${tag}.tmp`;
}

/** Writes the text at `path`: atomically over a file (symlinks followed), in place into a FIFO or character device. */
export async function writeAtomic(path: string, text: string, flag = '--out'): Promise<void> {
  const target = await outTarget(path, flag);
  try {
    if (target.kind === 'stream') await writeInPlace(target.path, text);
    else await replaceFile(target, text);
  } catch (err) {
    if (err instanceof FlopmeterError) throw err;
    throw new FlopmeterError(`${flag} ${path}: cannot write: ${describeError(err)}`);
  }
}

async function writeInPlace(path: string, text: string): Promise<void> {
  // 'w' neither creates (the node exists) nor truncates anything on a FIFO or device.
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(text, 'utf8');
  } finally {
    await fh.close();
  }
}

async function replaceFile(target: Extract<OutTarget, { kind: 'file' }>, text: string): Promise<void> {
  const tmp = tempNameFor(target.path, randomBytes(4).toString('hex'));
  const fh = await open(tmp, 'wx', NEW_FILE_MODE);
  try {
    const was = target.existing;
    // A replaced file keeps its permissions and, where allowed, its owner.
    if (was) {
      await fh.chmod(was.mode & 0o7777);
      await fh.chown(was.uid, was.gid).catch(() => undefined);
    }
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, target.path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Throws a UsageError naming the path unless a report can be written there (see writeAtomic). */
export async function checkWritable(path: string, flag = '--out'): Promise<void> {
  const target = await outTarget(path, flag);
  if (target.kind === 'stream') return;
  const probe = tempNameFor(target.path, 'check');
  try {
    const fh = await open(probe, 'wx');
    await fh.close();
    await rm(probe, { force: true });
  } catch (err) {
    const dir = dirname(target.path);
    const dirStat = await stat(dir).catch(() => null);
    const why = !dirStat ? `directory ${dir} does not exist` : !dirStat.isDirectory() ? `${dir} is not a directory` : describeError(err);
    throw new UsageError(`${flag} ${path}: cannot write there: ${why}`);
  }
}

/** The default report name: flopmeter-YYYYMMDD-HHMMSS.json (UTC) in the current directory. */
export function defaultReportPath(now = new Date()): string {
  const s = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `flopmeter-${s}.json`;
}
