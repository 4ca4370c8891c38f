/**
 * NVRTC: compiling flopmeter's CUDA kernels at run time for the device's exact
 * architecture (a real sm_XX gives a cubin, with no JIT in the driver), with
 * the result cached on disk keyed by source hash, architecture, driver and
 * NVRTC versions. Where NVRTC is absent, the PTX nvcc built at build time is
 * loaded instead (the driver JIT-compiles it).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VendorError } from '../../core/errors.js';
import { loadLibrary, toolkitDirs, type NativeFunction } from '../../core/native.js';
import { distDir, packageRoot, userCacheDir } from '../../core/paths.js';

const DECLS = {
  nvrtcVersion: 'int nvrtcVersion(_Out_ int *major, _Out_ int *minor)',
  nvrtcCreateProgram: 'int nvrtcCreateProgram(_Out_ void **prog, const char *src, const char *name, int numHeaders, void *headers, void *includeNames)',
  nvrtcCompileProgram: 'int nvrtcCompileProgram(void *prog, int numOptions, const char **options)',
  nvrtcGetCUBINSize: 'int nvrtcGetCUBINSize(void *prog, _Out_ size_t *size)',
  nvrtcGetCUBIN: 'int nvrtcGetCUBIN(void *prog, uint8_t *cubin)',
  nvrtcGetProgramLogSize: 'int nvrtcGetProgramLogSize(void *prog, _Out_ size_t *size)',
  nvrtcGetProgramLog: 'int nvrtcGetProgramLog(void *prog, uint8_t *log)',
  nvrtcDestroyProgram: 'int nvrtcDestroyProgram(_Inout_ void **prog)',
  nvrtcGetErrorString: 'const char *nvrtcGetErrorString(int result)',
} as const;

export class Nvrtc {
  private constructor(
    readonly path: string,
    readonly version: string,
    private readonly fn: Record<keyof typeof DECLS, NativeFunction>,
  ) {}

  /** Loads the newest NVRTC the driver supports (its major version ≤ the driver's CUDA major). */
  static load(driverCudaMajor: number, env: NodeJS.ProcessEnv = process.env): Nvrtc | { unavailable: string } {
    const majors = [13, 12, 11].filter((m) => m <= driverCudaMajor);
    const loaded = loadLibrary(
      {
        label: 'NVRTC',
        env: 'FLOPMETER_NVRTC',
        sonames: majors.map((m) => (m === 11 ? 'libnvrtc.so.11.2' : `libnvrtc.so.${m}`)),
        wheelPaths: majors.flatMap((m) => (m >= 13 ? [`nvidia/cu${m}/lib/libnvrtc.so.${m}`] : [`nvidia/cuda_nvrtc/lib/libnvrtc.so.${m === 11 ? '11.2' : m}`])),
        dirs: toolkitDirs(env),
      },
      env,
    );
    if ('unavailable' in loaded) return loaded;
    const fn: Partial<Record<keyof typeof DECLS, NativeFunction>> = {};
    for (const [name, decl] of Object.entries(DECLS) as Array<[keyof typeof DECLS, string]>) {
      try {
        fn[name] = loaded.lib.func(decl);
      } catch {
        return { unavailable: `${loaded.path} has no ${name}` };
      }
    }
    const major = [0];
    const minor = [0];
    (fn.nvrtcVersion as (a: number[], b: number[]) => number)(major, minor);
    return new Nvrtc(loaded.path, `${major[0]}.${minor[0]}`, fn as Record<keyof typeof DECLS, NativeFunction>);
  }

  private check(call: string, code: number): void {
    if (code === 0) return;
    const text = String((this.fn.nvrtcGetErrorString as (c: number) => string)(code));
    throw new VendorError('NVRTC', call, code, text, text);
  }

  /** Compiles CUDA C to a cubin for `arch` (e.g. "sm_90"); a compile error carries NVRTC's log. */
  compile(source: string, name: string, arch: string): Buffer {
    const prog = [null];
    this.check('nvrtcCreateProgram', (this.fn.nvrtcCreateProgram as (...a: unknown[]) => number)(prog, source, name, 0, null, null));
    try {
      const options = [`--gpu-architecture=${arch}`, '-default-device', '--std=c++17'];
      const code = (this.fn.nvrtcCompileProgram as (...a: unknown[]) => number)(prog[0], options.length, options);
      if (code !== 0) {
        const size = [0];
        (this.fn.nvrtcGetProgramLogSize as (...a: unknown[]) => number)(prog[0], size);
        const log = Buffer.alloc(Number(size[0]));
        (this.fn.nvrtcGetProgramLog as (...a: unknown[]) => number)(prog[0], log);
        const text = String((this.fn.nvrtcGetErrorString as (c: number) => string)(code));
        throw new VendorError('NVRTC', `compiling ${name}`, code, text, log.toString('utf8').replace(/\0+$/, '').trim().slice(0, 2000));
      }
      const size = [0];
      this.check('nvrtcGetCUBINSize', (this.fn.nvrtcGetCUBINSize as (...a: unknown[]) => number)(prog[0], size));
      const cubin = Buffer.alloc(Number(size[0]));
      this.check('nvrtcGetCUBIN', (this.fn.nvrtcGetCUBIN as (...a: unknown[]) => number)(prog[0], cubin));
      return cubin;
    } finally {
      (this.fn.nvrtcDestroyProgram as (...a: unknown[]) => number)(prog);
    }
  }
}

/** The text of kernels/cuda/<name>.cu. */
export function cudaSource(name: string): string {
  return readFileSync(join(packageRoot(), 'kernels', 'cuda', `${name}.cu`), 'utf8');
}

/** The folder of compiled kernels: $XDG_CACHE_HOME/flopmeter/cuda (or ~/.cache/...). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return userCacheDir('cuda', env);
}

export interface ModuleImage {
  /** A cubin, or NUL-terminated PTX. */
  image: Buffer;
  /** How it was obtained, for the result's notes and engine. */
  origin: 'nvrtc' | 'nvrtc-cache' | 'ptx';
  detail: string;
}

/**
 * The module image for a kernel source on a device: from the disk cache, else
 * compiled by NVRTC (and cached), else nvcc's PTX from the build.
 */
export function moduleImage(name: string, arch: string, driverVersion: number, nvrtc: Nvrtc | { unavailable: string }): ModuleImage {
  const source = cudaSource(name);
  const ptxPath = join(distDir(), 'kernels', 'cuda', `${name}.ptx`);
  if ('unavailable' in nvrtc) {
    if (!existsSync(ptxPath)) throw new Error(`cannot build kernels/cuda/${name}.cu: ${nvrtc.unavailable}, and no PTX was built (nvcc was absent at build time)`);
    return { image: Buffer.concat([readFileSync(ptxPath), Buffer.from([0])]), origin: 'ptx', detail: `PTX built by nvcc (${nvrtc.unavailable})` };
  }
  const key = createHash('sha256').update(JSON.stringify({ source, arch, driverVersion, nvrtc: nvrtc.version })).digest('hex').slice(0, 32);
  const dir = cacheDir();
  const file = join(dir, `${name}-${arch}-${key}.cubin`);
  if (existsSync(file)) return { image: readFileSync(file), origin: 'nvrtc-cache', detail: `NVRTC ${nvrtc.version} for ${arch} (cached ${file})` };
  const cubin = nvrtc.compile(source, `${name}.cu`, arch);
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, cubin);
    renameSync(tmp, file);
  } catch {
    /* a read-only cache only costs a recompile next time */
  }
  return { image: cubin, origin: 'nvrtc', detail: `NVRTC ${nvrtc.version} for ${arch}` };
}
