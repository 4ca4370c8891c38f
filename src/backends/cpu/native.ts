/**
 * flopmeter's native CPU kernels (kernels/cpu-native/*.c): one shared library
 * per processor description and source, compiled by the build for the host's
 * own vector ISA (scripts/build-native.ts), found here and called through
 * koffi from the worker threads. Each native function mirrors a WebAssembly
 * export: the same arguments, preceded by the base address of the kernel's
 * memory, so a probe's CPU kernel description serves both. Where the library
 * is missing the WebAssembly kernels run, and the result says why.
 * FLOPMETER_NATIVE=none forces the WebAssembly kernels.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { arch, cpus } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';
import { describeError } from '../../core/errors.js';
import { searchOncePerOverride } from '../../core/native.js';
import { distDir, packageRoot } from '../../core/paths.js';
import { cpuFeatures, HOST_ROOTS, readCpuinfo, type HostRoots } from './cpuinfo.js';

/** The compiler flags: the host's own ISA, as a shared library. */
export const NATIVE_CFLAGS = ['-O3', '-march=native', '-shared', '-fPIC'] as const;

/** A native kernel: its source file and its C prototype (as koffi parses it). */
interface NativeEntry {
  file: string;
  prototype: string;
}

/** Native kernels by WebAssembly module and export; fma_relaxed shares fma's (the native one fuses where the ISA can). */
const ENTRIES: Record<string, NativeEntry> = {
  'stream.copy': { file: 'stream.c', prototype: 'void fm_stream_copy(void *base, uint32_t a, uint32_t c, uint32_t begin, uint32_t end)' },
  'stream.scale': { file: 'stream.c', prototype: 'void fm_stream_scale(void *base, uint32_t c, uint32_t b, double q, uint32_t begin, uint32_t end)' },
  'stream.add': { file: 'stream.c', prototype: 'void fm_stream_add(void *base, uint32_t a, uint32_t b, uint32_t c, uint32_t begin, uint32_t end)' },
  'stream.triad': { file: 'stream.c', prototype: 'void fm_stream_triad(void *base, uint32_t b, uint32_t c, uint32_t a, double q, uint32_t begin, uint32_t end)' },
  'fma.fma': { file: 'fma.c', prototype: 'void fm_fma(void *base, uint32_t x, uint32_t y, float a, float b, int32_t iters, uint32_t begin, uint32_t end)' },
  'reduce.sum': { file: 'reduce.c', prototype: 'void fm_reduce_sum(void *base, uint32_t x, uint32_t out, uint32_t begin, uint32_t end)' },
};

const moduleKey = (module: string): string => module.replace(/_relaxed$/, '');

/** The native kernel standing in for a WebAssembly module's export, or null where there is none. */
export function nativeEntry(module: string, entry: string): NativeEntry | null {
  return ENTRIES[`${moduleKey(module)}.${entry}`] ?? null;
}

/** Whether a WebAssembly module has native counterparts. */
export function hasNative(module: string): boolean {
  return Object.keys(ENTRIES).some((k) => k.startsWith(`${moduleKey(module)}.`));
}

export function nativeSourceDir(): string {
  return join(packageRoot(), 'kernels', 'cpu-native');
}

/** The C sources, header first, for a module's kernels and the compiler flags: what a result's definition hash covers. */
export function nativeIdentity(module: string): string {
  const files = [...new Set(Object.entries(ENTRIES).filter(([k]) => k.startsWith(`${moduleKey(module)}.`)).map(([, e]) => e.file))];
  const text = (f: string): string => `// ${f}\n${readFileSync(join(nativeSourceDir(), f), 'utf8')}`;
  return [`// cc ${NATIVE_CFLAGS.join(' ')}`, text('vector.h'), ...files.map(text)].join('\n');
}

/** The processor description the build's output depends on: vendor, family, model and ISA features. */
export function hostIsaDescription(roots: HostRoots = HOST_ROOTS): string {
  const records = readCpuinfo(roots);
  const first = records[0];
  if (!first) return `${arch()} ${cpus()[0]?.model ?? 'unknown'}`;
  const keys = ['vendor_id', 'cpu family', 'model', 'CPU implementer', 'CPU architecture', 'CPU part'];
  return [arch(), ...keys.map((k) => `${k}=${first[k] ?? ''}`), cpuFeatures(records).sort().join(' ')].join('\n');
}

/** The cache key: a hash of the processor's description, every source file and the flags; a rebuild happens when one changes. */
export function nativeKey(roots: HostRoots = HOST_ROOTS): string {
  const hash = createHash('sha256').update(hostIsaDescription(roots)).update(NATIVE_CFLAGS.join(' '));
  for (const f of readdirSync(nativeSourceDir()).sort()) hash.update(`\0${f}\0`).update(readFileSync(join(nativeSourceDir(), f)));
  return hash.digest('hex').slice(0, 16);
}

/** Where the build puts the library for a key, and what it says about the build. */
export function nativePaths(key: string): { library: string; status: string } {
  const dir = join(distDir(), 'native');
  return { library: join(dir, `flopmeter-cpu-${key}.so`), status: join(dir, `flopmeter-cpu-${key}.json`) };
}

/** What the build wrote beside the library: the compiler, or why there is no library. */
export interface NativeBuildStatus {
  ok: boolean;
  /** The compiler's own first line, e.g. "gcc (Debian 12.2.0-14) 12.2.0". */
  compiler: string | null;
  command: string[];
  /** Why the build did not produce a library. */
  reason?: string;
}

/** A loadable library of native kernels. */
export interface NativeLibrary {
  path: string;
  /** The vector ISA it was compiled for, e.g. "avx512" (the engine is "native-<isa>"). */
  isa: string;
  /** Whether multiply-adds are fused. */
  fused: boolean;
  compiler: string | null;
}

export type NativeDiscovery = { found: true; library: NativeLibrary } | { found: false; reason: string };

/** Finds the native kernels built for this host (cached per thread and override). */
export const findNative: (env?: NodeJS.ProcessEnv) => NativeDiscovery = searchOncePerOverride('FLOPMETER_NATIVE', search);

function readStatus(path: string): NativeBuildStatus | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as NativeBuildStatus;
  } catch {
    return null;
  }
}

function search(override: string): NativeDiscovery {
  if (override === 'none') return { found: false, reason: 'disabled by FLOPMETER_NATIVE=none' };
  const paths = nativePaths(nativeKey());
  const status = readStatus(paths.status);
  if (!existsSync(paths.library)) {
    if (status?.reason) return { found: false, reason: status.reason };
    return { found: false, reason: 'not built for this processor and these sources: run "npm run build:native" (needs a C compiler)' };
  }
  try {
    const lib = koffi.load(paths.library);
    const isa = String(lib.func('const char *fm_native_isa(void)')());
    const fused = Number(lib.func('int fm_native_fused(void)')()) === 1;
    return { found: true, library: { path: paths.library, isa, fused, compiler: status?.compiler ?? null } };
  } catch (err) {
    return { found: false, reason: `${paths.library} does not load: ${describeError(err).split('\n')[0]}` };
  }
}

/** The engine name of a native library, e.g. "native-avx512". */
export function nativeEngineName(lib: NativeLibrary): string {
  return `native-${lib.isa}`;
}

/**
 * A kernel's native calls, one per phase, bound in the calling thread (the library loaded once): each passes the
 * base of `memory` followed by the phase's `args`; a phase without args (an empty slice) does nothing.
 */
export function bindNativeCalls(path: string, phases: ReadonlyArray<{ entry: string; args: number[] | null }>, memory: WebAssembly.Memory): Array<() => void> {
  const lib = koffi.load(path);
  const base = new Uint8Array(memory.buffer);
  return phases.map(({ entry, args }) => {
    if (!args) return () => {};
    const fn = lib.func(entry);
    return () => void fn(base, ...args);
  });
}
