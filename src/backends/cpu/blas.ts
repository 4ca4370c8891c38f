/**
 * The system's optimized BLAS, found by dlopen through koffi: OpenBLAS, BLIS
 * or MKL, whichever exposes cblas_sgemm first. FLOPMETER_BLAS overrides the
 * search: a library path, or "none" to force the WebAssembly fallback.
 */
import koffi from 'koffi';
import { optionalFunction as optionalFunc, searchOncePerOverride, type LibraryHandle, type NativeFunction } from '../../core/native.js';
import { describeError } from '../../core/errors.js';

export interface BlasLibrary {
  /** What was loaded (a soname or a path). */
  path: string;
  vendor: 'OpenBLAS' | 'BLIS' | 'MKL' | 'unknown';
  version: string | null;
  /** The library's own build description, where it offers one. */
  config: string | null;
}

export type BlasDiscovery = { found: true; library: BlasLibrary } | { found: false; reason: string };

/** Sonames tried in order: tuned libraries first, then the generic alternatives link (Debian points it at a tuned one). */
const CANDIDATES = ['libopenblas.so.0', 'libopenblas.so', 'libblis.so.4', 'libblis.so', 'libmkl_rt.so.2', 'libmkl_rt.so', 'libblas.so.3'];

const CBLAS_SGEMM =
  'void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)';

/** CBLAS enums. */
export const CBLAS_ROW_MAJOR = 101;
export const CBLAS_NO_TRANS = 111;

/** Finds the BLAS to use (cached per thread and override). */
export const findBlas: (env?: NodeJS.ProcessEnv) => BlasDiscovery = searchOncePerOverride('FLOPMETER_BLAS', search);

function search(override: string): BlasDiscovery {
  if (override === 'none') return { found: false, reason: 'disabled by FLOPMETER_BLAS=none' };
  const tried: string[] = [];
  for (const path of override ? [override] : CANDIDATES) {
    try {
      const lib = koffi.load(path);
      try {
        lib.func(CBLAS_SGEMM);
      } catch {
        tried.push(`${path}: no cblas_sgemm`);
        continue;
      }
      return { found: true, library: identify(lib, path) };
    } catch (err) {
      tried.push(`${path}: ${describeError(err).split('\n')[0]}`);
    }
  }
  return { found: false, reason: `no BLAS library with cblas_sgemm found (tried ${tried.join('; ')})` };
}

function identify(lib: LibraryHandle, path: string): BlasLibrary {
  const openblasConfig = optionalFunc(lib, 'const char *openblas_get_config(void)');
  if (openblasConfig) {
    const config = String(openblasConfig());
    const version = /OpenBLAS\s+([\d.]+)/.exec(config)?.[1] ?? null;
    return { path, vendor: 'OpenBLAS', version, config };
  }
  const blisVersion = optionalFunc(lib, 'const char *bli_info_get_version_str(void)');
  if (blisVersion) return { path, vendor: 'BLIS', version: String(blisVersion()), config: null };
  const mklVersion = optionalFunc(lib, 'void MKL_Get_Version_String(_Out_ char *buf, int len)');
  if (mklVersion) {
    const buf = Buffer.alloc(256);
    mklVersion(buf, buf.length);
    const text = buf.toString('utf8').replace(/\0.*$/s, '').trim();
    return { path, vendor: 'MKL', version: /(\d{4}\.\d+(\.\d+)?)/.exec(text)?.[1] ?? null, config: text };
  }
  return { path, vendor: 'unknown', version: null, config: null };
}

/** A one-line engine name, e.g. "OpenBLAS 0.3.21 cblas_sgemm". */
export function blasEngineName(lib: BlasLibrary): string {
  return `${lib.vendor}${lib.version ? ` ${lib.version}` : ''} cblas_sgemm`;
}

/** The sgemm entry point and a thread-count setter, bound in the calling thread. */
export interface BoundSgemm {
  sgemm: NativeFunction;
  /** Sets the library's thread count; null when it offers no such call. */
  setThreads: ((n: number) => void) | null;
}

export function bindSgemm(path: string): BoundSgemm {
  const lib = koffi.load(path);
  const sgemm = lib.func(CBLAS_SGEMM);
  const setters: Array<[string, string]> = [
    ['openblas_set_num_threads', 'void openblas_set_num_threads(int n)'],
    ['bli_thread_set_num_threads', 'void bli_thread_set_num_threads(int64_t n)'],
    ['MKL_Set_Num_Threads', 'void MKL_Set_Num_Threads(int n)'],
  ];
  for (const [, decl] of setters) {
    const fn = optionalFunc(lib, decl);
    if (fn) return { sgemm, setThreads: (n) => void fn(n) };
  }
  return { sgemm, setThreads: null };
}
