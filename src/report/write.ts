/**
 * Writing reports: atomically (a temporary file in the same directory,
 * flushed, then renamed over the target), so a reader never sees half a
 * report, and a check before the run that the target can be written at all.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError, describeError } from '../core/errors.js';

export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', 0o644);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Throws a UsageError naming the path unless a file can be created there. */
export async function checkWritable(path: string, flag = '--out'): Promise<void> {
  const target = resolve(path);
  const existing = await stat(target).catch(() => null);
  if (existing?.isDirectory()) throw new UsageError(`${flag} ${path}: is a directory; give a file name`);
  const probe = `${target}.${process.pid}.check.tmp`;
  try {
    const fh = await open(probe, 'wx');
    await fh.close();
    await rm(probe, { force: true });
  } catch (err) {
    const dir = dirname(target);
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
