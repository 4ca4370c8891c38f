/**
 * The native CPU kernels' build and choice: built once per processor
 * description and source, a reason recorded where there is no compiler, the
 * WebAssembly kernel (with the reason) where native code is off, and a kernel
 * identity that is the C source. Their numerical checks are the probes' own
 * (tests/probes/*.test.ts run each probe on both engines).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import stream from '../../../probes/stream.js';
import { buildNative } from '../../../scripts/build-native.js';
import { hostIsaDescription, nativeIdentity, nativeKey, type NativeBuildStatus } from '../../../src/backends/cpu/native.js';
import type { DeviceSession } from '../../../src/backends/backend.js';
import { ROOT, removeDir, tempDir } from '../../helpers.js';
import { CPU_ENGINE_NAME, onCpuEngine, openCpu, runProbe } from '../../probes/run-probe.js';

const FIXTURES = join(ROOT, 'tests', 'fixtures', 'cpuinfo');
const fixture = (name: string) => ({ proc: join(FIXTURES, name, 'proc'), sys: join(FIXTURES, name, 'sys') });
let dir: string;
let cpu: DeviceSession;
beforeAll(async () => {
  dir = tempDir('flopmeter-native-');
  cpu = await openCpu(2);
});
afterAll(async () => {
  await cpu.close();
  removeDir(dir);
});

const paths = (name: string) => ({ library: join(dir, `${name}.so`), status: join(dir, `${name}.json`) });
const statusOf = (path: string): NativeBuildStatus => JSON.parse(readFileSync(path, 'utf8')) as NativeBuildStatus;

describe('native CPU kernels', () => {
  it('are built once, then reused until forced (with the compiler and command recorded)', async (ctx) => {
    const at = paths('cached');
    await onCpuEngine(ctx, 'native', async () => {
      expect(buildNative({ paths: at }).outcome).toBe('built');
      expect(existsSync(at.library)).toBe(true);
      expect(buildNative({ paths: at }).outcome).toBe('cached');
      expect(buildNative({ paths: at, force: true }).outcome).toBe('built');
    });
    const status = statusOf(at.status);
    expect(status.ok).toBe(true);
    expect(status.compiler).toMatch(/\d+\.\d+/);
    expect(status.command).toEqual(expect.arrayContaining(['-O3', '-march=native', '-shared', '-fPIC', at.library]));
  });

  it('are keyed by the processor description: another ISA gets another library', () => {
    const icelake = nativeKey(fixture('xeon-8375c-icelake-sp'));
    expect(nativeKey(fixture('xeon-8375c-icelake-sp'))).toBe(icelake);
    expect(nativeKey(fixture('epyc-7313p-zen3'))).not.toBe(icelake);
    expect(nativeKey(fixture('ampere-altra-q80-30-neoverse-n1'))).not.toBe(icelake);
    expect(hostIsaDescription(fixture('xeon-8375c-icelake-sp'))).toMatch(/avx512f/);
  });

  it('record why they are missing where there is no C compiler', () => {
    const at = paths('no-compiler');
    const build = buildNative({ paths: at, env: { PATH: '/nonexistent' } });
    expect(build).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/^no C compiler found \(tried gcc, cc\)/) });
    expect(existsSync(at.library)).toBe(false);
    expect(statusOf(at.status)).toMatchObject({ ok: false, compiler: null, reason: build.reason });
  });

  it('say so, without throwing, where their folder cannot be written (an installation the user does not own)', () => {
    const build = buildNative({ paths: { library: '/dev/null/native/k.so', status: '/dev/null/native/k.json' } });
    expect(build).toMatchObject({ outcome: 'failed', reason: "cannot write /dev/null/native (ENOTDIR): run it as the installation's owner" });
  });

  it('record the compiler\'s complaint when compiling fails', () => {
    const at = paths('failing');
    // A compiler that answers --version but rejects the sources, as a cc without -march=native support does.
    const cc = join(dir, 'failing-cc');
    writeFileSync(cc, '#!/bin/sh\n[ "$1" = --version ] && { echo "failing-cc 1.0"; exit 0; }\necho "failing-cc: error: unrecognized -march=native" >&2\nexit 1\n', { mode: 0o755 });
    const build = buildNative({ paths: at, env: { PATH: '/usr/bin:/bin', CC: cc } });
    expect(build).toMatchObject({ outcome: 'failed', reason: `${cc} could not compile kernels/cpu-native: failing-cc: error: unrecognized -march=native` });
    expect(statusOf(at.status)).toMatchObject({ ok: false, compiler: 'failing-cc 1.0', reason: build.reason });
    expect(existsSync(at.library)).toBe(false);
  });

  it('stand in for the WebAssembly kernel, whose identity they replace with their C source', async (ctx) => {
    const params = { op: 'triad', dtype: 'f64', n: 1 << 12 } as const;
    const native = await onCpuEngine(ctx, 'native', () => runProbe(cpu, stream, params));
    expect(native.engine).toMatch(CPU_ENGINE_NAME.native);
    expect(native.notes.join('\n')).toMatch(/native kernel compiled by .* with -O3 -march=native/);
    expect(native.kernelIdentity).toBe(nativeIdentity('stream'));
    expect(nativeIdentity('stream')).toMatch(/void fm_stream_triad\(uint8_t \*base/);
    expect(nativeIdentity('stream')).toMatch(/^\/\/ cc -O3 -march=native -shared -fPIC/);
  });

  it('leave the WebAssembly kernel running, saying why, where they are off', async (ctx) => {
    const r = await onCpuEngine(ctx, 'wasm', () => runProbe(cpu, stream, { op: 'triad', dtype: 'f64', n: 1 << 12 }));
    expect(r.engine).toBe('wasm-simd128');
    expect(r.notes).toContain('native kernel not used: disabled by FLOPMETER_NATIVE=none');
    expect(r.kernelIdentity).toMatch(/\(module/);
    expect(r.check.passed).toBe(true);
  });
});
