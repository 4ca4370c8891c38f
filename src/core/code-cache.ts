/**
 * Loading a CommonJS file with V8's code cache, as Node.js 22's
 * module.enableCompileCache() does (Node.js 20 has none): the code V8
 * compiled for it, including the functions compiled lazily on first use, is
 * kept in a cache folder and reused by later starts. For large generated code
 * read at start-up (the report schema's validators: ~20 ms to compile and
 * first run, ~5 ms from the cache). The cache is an optimisation only: a
 * missing, stale, foreign or unwritable one costs the compile, never a failure.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** A module loaded through the code cache. */
export interface CachedModule<T> {
  exports: T;
  /** Whether V8 took the cached code (false: compiled from source). */
  fromCache: boolean;
  /** Keeps the code compiled so far for later starts; call it after first use. Does nothing when the cache was used. */
  save(): void;
}

/** The cache file of `path`: named by the file, its size and time, and the V8 version (V8 also checks the source itself). */
function cacheFile(path: string, folder: string): string {
  const st = statSync(path);
  return join(folder, `${basename(path)}-${st.size}-${Math.round(st.mtimeMs)}-v8-${process.versions.v8}.bin`);
}

function readOrNull(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Requires the CommonJS file at `path`, through a V8 code cache kept in `folder`. */
export function requireWithCodeCache<T>(path: string, folder: string): CachedModule<T> {
  const file = cacheFile(path, folder);
  const cachedData = readOrNull(file);
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(path, 'utf8')}\n})`;
  const script = new Script(wrapped, { filename: path, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as T };
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(path), module, path, dirname(path));
  const fromCache = cachedData !== undefined && !script.cachedDataRejected;
  let saved = fromCache;
  return {
    exports: module.exports,
    fromCache,
    save() {
      if (saved) return;
      saved = true;
      try {
        mkdirSync(folder, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, file);
        // The caches of earlier builds of the same file are of no further use.
        const prefix = `${basename(path)}-`;
        for (const old of readdirSync(folder)) if (old.startsWith(prefix) && old !== basename(file) && old.endsWith('.bin')) rmSync(join(folder, old), { force: true });
      } catch {
        // A read-only or full cache folder: the next start compiles again.
      }
    },
  };
}
