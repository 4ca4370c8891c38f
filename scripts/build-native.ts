/**
 * Build step (`npm run build:native`, also run by `npm run build` and so by
 * setup.sh): compiles kernels/cpu-native/*.c into one shared library for this
 * host's vector ISA (cc -O3 -march=native -shared -fPIC), cached under
 * dist/native/ by a key over the processor's description, the sources and the
 * flags (src/backends/cpu/native.ts): it is rebuilt only when one of them
 * changes. Without a C compiler, or when compiling fails, it says so, records
 * why beside the library's path (a run then notes it and uses the WebAssembly
 * kernels), and exits 0: the native kernels are optional.
 *
 *   node dist/scripts/build-native.js [--force]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNative, nativeKey, nativePaths, nativeSourceDir, NATIVE_CFLAGS, type NativeBuildStatus } from '../src/backends/cpu/native.js';

export interface NativeBuild {
  /** "built", "cached" (already there for this key) or "failed". */
  outcome: 'built' | 'cached' | 'failed';
  library: string;
  /** Why it failed. */
  reason?: string;
}

/** The first compiler that answers --version: $CC, then gcc, then cc; with its first line. */
function findCompiler(env: NodeJS.ProcessEnv): { cc: string; version: string } | null {
  for (const cc of [env.CC, 'gcc', 'cc'].filter((c): c is string => Boolean(c))) {
    const r = spawnSync(cc, ['--version'], { encoding: 'utf8', env });
    if (r.status === 0) return { cc, version: r.stdout.split('\n')[0]!.trim() };
  }
  return null;
}

export interface NativeBuildOptions {
  /** Rebuild even when this key's library is there. */
  force?: boolean;
  /** Where the compiler is looked for ($CC, $PATH). */
  env?: NodeJS.ProcessEnv;
  /** Where to put the library and its status (default: dist/native/, named by the key). */
  paths?: { library: string; status: string };
}

/** Compiles the library unless this key's is already built (or `force`); never throws for a missing or failing compiler or a folder it cannot write. */
export function buildNative(options: NativeBuildOptions = {}): NativeBuild {
  const env = options.env ?? process.env;
  const paths = options.paths ?? nativePaths(nativeKey());
  if (!options.force && existsSync(paths.library)) return { outcome: 'cached', library: paths.library };
  try {
    mkdirSync(dirname(paths.library), { recursive: true });
    accessSync(dirname(paths.library), constants.W_OK);
  } catch (err) {
    // An installation this user does not own (npm install -g as root, /usr read-only under systemd): nothing can be recorded there.
    return { outcome: 'failed', library: paths.library, reason: `cannot write ${dirname(paths.library)} (${(err as NodeJS.ErrnoException).code ?? String(err)}): run it as the installation's owner` };
  }
  const record = (status: NativeBuildStatus): void => writeFileSync(paths.status, `${JSON.stringify(status, null, 2)}\n`);
  const compiler = findCompiler(env);
  const sources = readdirSync(nativeSourceDir()).filter((f) => f.endsWith('.c')).sort().map((f) => join(nativeSourceDir(), f));
  if (!compiler) {
    const reason = `no C compiler found (tried ${[env.CC, 'gcc', 'cc'].filter(Boolean).join(', ')}); setup.sh installs gcc`;
    record({ ok: false, compiler: null, command: [], reason });
    return { outcome: 'failed', library: paths.library, reason };
  }
  const tmp = `${paths.library}.${process.pid}.tmp`;
  const command = [compiler.cc, ...NATIVE_CFLAGS, '-o', tmp, ...sources];
  try {
    execFileSync(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
    renameSync(tmp, paths.library);
  } catch (err) {
    rmSync(tmp, { force: true });
    const stderr = String((err as { stderr?: Buffer }).stderr ?? err).trim().split('\n').slice(0, 3).join(' ');
    const reason = `${compiler.cc} could not compile kernels/cpu-native: ${stderr}`;
    record({ ok: false, compiler: compiler.version, command, reason });
    return { outcome: 'failed', library: paths.library, reason };
  }
  record({ ok: true, compiler: compiler.version, command: command.map((a) => (a === tmp ? paths.library : a)) });
  return { outcome: 'built', library: paths.library };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const build = buildNative({ force: process.argv.includes('--force') });
  if (build.outcome === 'failed') {
    console.log(`native CPU kernels not built: ${build.reason} (the CPU backend uses its WebAssembly kernels)`);
  } else {
    const found = findNative({});
    const what = found.found ? `native-${found.library.isa}` : `unusable: ${found.reason}`;
    console.log(`native CPU kernels ${build.outcome === 'built' ? 'built' : 'up to date'} (${what}): ${build.library}`);
  }
}
