/**
 * Finding and loading vendor libraries for the FFI: by their versioned sonames
 * through the loader path, in the usual toolkit and driver folders, and in the
 * Python wheels' site-packages/nvidia/... folders, with an environment
 * variable that overrides the search. A library that cannot be found is an
 * "unavailable: why", never a crash.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';
import type { LibraryHandle } from 'koffi';
import { describeError } from './errors.js';

export type { LibraryHandle };
export type NativeFunction = ReturnType<LibraryHandle['func']>;

export interface LibrarySpec {
  /** What to call it in messages, e.g. "NVRTC". */
  label: string;
  /** Environment variable holding a path that replaces the search. */
  env: string;
  /** Sonames in order of preference, e.g. ["libnvrtc.so.13", "libnvrtc.so.12"]. */
  sonames: string[];
  /** Paths relative to a site-packages folder, e.g. "nvidia/cu13/lib/libnvrtc.so.13". */
  wheelPaths?: string[];
  /** Extra folders to look in (toolkit lib64, driver folders). */
  dirs?: string[];
}

export type LoadedLibrary = { lib: LibraryHandle; path: string };
export type LibraryLoad = LoadedLibrary | { unavailable: string };

/** CUDA toolkit library folders, newest first. */
export function toolkitDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const roots = [env.CUDA_HOME, env.CUDA_PATH, '/usr/local/cuda'].filter((x): x is string => Boolean(x));
  try {
    roots.push(
      ...readdirSync('/usr/local')
        .filter((d) => /^cuda-\d+(\.\d+)?$/.test(d))
        .sort()
        .reverse()
        .map((d) => join('/usr/local', d)),
    );
  } catch {
    /* no /usr/local */
  }
  return roots.flatMap((r) => [join(r, 'lib64'), join(r, 'lib'), join(r, 'targets', 'x86_64-linux', 'lib')]);
}

/** Driver library folders used by containers and WSL. */
export const DRIVER_DIRS = ['/usr/local/nvidia/lib64', '/usr/lib/wsl/lib', '/usr/lib/x86_64-linux-gnu', '/usr/lib64'];

/** Python site-packages folders where NVIDIA's wheels put their libraries. */
export function sitePackages(env: NodeJS.ProcessEnv = process.env): string[] {
  const prefixes = ['/usr/local/lib', '/usr/lib', join(homedir(), '.local', 'lib'), '/opt/conda/lib'];
  for (const v of [env.VIRTUAL_ENV, env.CONDA_PREFIX]) if (v) prefixes.unshift(join(v, 'lib'));
  const out: string[] = [];
  for (const prefix of prefixes) {
    let entries: string[];
    try {
      entries = readdirSync(prefix).filter((d) => /^python3(\.\d+)?$/.test(d));
    } catch {
      continue;
    }
    for (const py of entries) for (const kind of ['site-packages', 'dist-packages']) out.push(join(prefix, py, kind));
  }
  return out.filter((d) => existsSync(d));
}

/** Loads the first candidate that opens; says what was tried when none does. */
export function loadLibrary(spec: LibrarySpec, env: NodeJS.ProcessEnv = process.env): LibraryLoad {
  const override = env[spec.env]?.trim();
  const candidates = override
    ? [override]
    : [
        ...spec.sonames,
        ...(spec.dirs ?? []).flatMap((d) => spec.sonames.map((s) => join(d, s))).filter((p) => existsSync(p)),
        ...sitePackages(env).flatMap((sp) => (spec.wheelPaths ?? []).map((w) => join(sp, w))).filter((p) => existsSync(p)),
      ];
  const tried: string[] = [];
  for (const path of [...new Set(candidates)]) {
    try {
      return { lib: koffi.load(path), path };
    } catch (err) {
      tried.push(`${path}: ${describeError(err).split('\n')[0]}`);
    }
  }
  const how = override ? `${spec.env}=${override}` : `${spec.sonames.join(', ')} on the loader path, in the CUDA toolkit and driver folders and in Python wheels`;
  // "No such file" says nothing the sentence does not; other failures (wrong ELF class, missing dependency) do.
  const telling = tried.filter((t) => !/cannot open shared object file: No such file/.test(t));
  return { unavailable: `${spec.label} not found (looked for ${how}${telling.length ? `; ${telling.slice(0, 3).join('; ')}` : ''})` };
}

/**
 * A library search run once per value of the environment variable that
 * overrides it (e.g. FLOPMETER_BLAS), per thread: `search` gets the trimmed
 * value ('' when unset).
 */
export function searchOncePerOverride<T>(variable: string, search: (override: string) => T): (env?: NodeJS.ProcessEnv) => T {
  const cache = new Map<string, T>();
  return (env = process.env) => {
    const override = env[variable]?.trim() ?? '';
    let found = cache.get(override);
    if (found === undefined) cache.set(override, (found = search(override)));
    return found;
  };
}

/** Binds a function, or returns null when the library lacks the symbol. */
export function optionalFunction(lib: LibraryHandle, decl: string): NativeFunction | null {
  try {
    return lib.func(decl);
  } catch {
    return null;
  }
}

/** Binds the first declaration whose symbol exists (e.g. a _v2 name, then the original). */
export function firstFunction(lib: LibraryHandle, ...decls: string[]): NativeFunction | null {
  for (const d of decls) {
    const f = optionalFunction(lib, d);
    if (f) return f;
  }
  return null;
}

/** A C string from a fixed-size output buffer. */
export function cString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.toString('utf8', 0, end < 0 ? buf.length : end);
}
