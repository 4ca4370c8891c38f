/**
 * What an output path (--out, or the report `sign` rewrites) points at, and
 * so how it may be written without destroying anything:
 * - a regular file, or nothing yet: replaced (or created) atomically by a
 *   temporary file renamed over it, in the directory where the file really
 *   lives — a symlink is followed, so its target is replaced and the link kept;
 * - a FIFO or character device (/dev/stdout, a named pipe, /dev/null):
 *   written in place, as a stream, never replaced by a file;
 * - a socket, block device or directory, or a file nobody may write
 *   (read-only): refused, naming it (UsageError, exit 2).
 */
import { constants } from 'node:fs';
import { access, lstat, readlink, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError, describeError } from '../core/errors.js';

/** Symlinks followed before giving up, as the kernel's own limit (ELOOP) for path lookups. */
const MAX_LINKS = 40;
/** Write permission for owner, group or others. */
const ANY_WRITE = 0o222;

export type OutTarget =
  /** Replaced or created atomically at `path` (the real location, symlinks followed); `existing` when there is a file there now. */
  | { kind: 'file'; path: string; existing: Stats | null }
  /** Opened and written in place at `path` (as given). */
  | { kind: 'stream'; path: string; what: 'FIFO' | 'character device' };

/** Follows a chain of symlinks, dangling ones included, to the path a new file would be created at. */
async function linkEnd(path: string, shown: string): Promise<string> {
  let p = resolve(path);
  for (let i = 0; i < MAX_LINKS; i++) {
    const st = await lstat(p).catch(() => null);
    if (!st?.isSymbolicLink()) return p;
    p = resolve(dirname(p), await readlink(p));
  }
  throw new UsageError(`${shown}: too many levels of symbolic links`);
}

function refusedKind(st: Stats): string | null {
  if (st.isDirectory()) return 'is a directory; give a file name';
  if (st.isSocket()) return 'is a socket; a report cannot be written into one';
  if (st.isBlockDevice()) return 'is a block device; writing a report onto it would overwrite what it holds';
  return null;
}

/** Classifies the path, or throws a UsageError naming it and why it will not be written. */
export async function outTarget(path: string, flag: string): Promise<OutTarget> {
  const shown = `${flag} ${path}`;
  let st: Stats | null;
  try {
    st = await stat(path); // follows symlinks, /dev/fd/N included
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`${shown}: cannot write there: ${describeError(err)}`);
    st = null;
  }
  if (st === null) return { kind: 'file', path: await linkEnd(path, shown), existing: null };
  const refused = refusedKind(st);
  if (refused) throw new UsageError(`${shown}: ${refused}`);
  if (st.isFIFO()) return { kind: 'stream', path, what: 'FIFO' };
  if (st.isCharacterDevice()) return { kind: 'stream', path, what: 'character device' };
  const real = await realpath(path);
  const where = real === resolve(path) ? '' : ` (${real})`;
  const writable = (st.mode & ANY_WRITE) !== 0 && (await access(real, constants.W_OK).then(() => true, () => false));
  if (!writable) {
    throw new UsageError(`${shown}${where}: is read-only (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}); it is not replaced — make it writable or choose another file`);
  }
  return { kind: 'file', path: real, existing: st };
}
