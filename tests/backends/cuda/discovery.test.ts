/**
 * CUDA discovery and error mapping through the real bindings, against a fake
 * libcuda.so.1 (tests/fixtures/fake-cuda.c); NVRTC's disk cache and the PTX
 * fallback; the library search through Python wheel folders.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cudaBackend } from '../../../src/backends/cuda/index.js';
import { CudaDriver } from '../../../src/backends/cuda/driver.js';
import { cacheDir, moduleImage } from '../../../src/backends/cuda/nvrtc.js';
import { loadLibrary } from '../../../src/core/native.js';
import { runSuite } from '../../../src/measure/suite.js';
import { findProbe } from '../../../probes/index.js';
import { removeDir, requireComponent, tempDir } from '../../helpers.js';
import { fakePath, hasCompiler } from '../../fixtures/fakes.js';

let fake = '';
const dirs: string[] = [];
beforeAll(() => {
  if (hasCompiler()) fake = fakePath('cuda');
});
afterEach(() => {
  dirs.splice(0).forEach(removeDir);
  for (const k of ['FLOPMETER_LIBCUDA', 'FAKE_CUDA_INIT_ERROR', 'FAKE_CUDA_DEVICES', 'FAKE_CUDA_NO_CONTEXT', 'FLOPMETER_CACHE_DIR', 'VIRTUAL_ENV']) delete process.env[k];
});

describe('CUDA discovery', () => {
  it('describes each device from the driver: name, UUID, PCI bus id, compute capability, SMs', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake libcuda');
    process.env.FLOPMETER_LIBCUDA = fake;
    process.env.FAKE_CUDA_DEVICES = '2';
    const d = await cudaBackend.discover();
    expect(d.available).toBe(true);
    expect(d.devices.map((x) => x.id)).toEqual(['cuda0', 'cuda1']);
    expect(d.devices[1]).toMatchObject({
      name: 'NVIDIA Fake GPU 1',
      vendor: 'nvidia',
      kind: 'gpu',
      identity: { ordinal: 1, pciBusId: '0000:11:00.0', computeCapability: '9.0', smCount: 132, maxThreadsPerSm: 2048, uuid: 'GPU-00000000-0000-0000-0000-000000000001', cudaDriverVersion: '13.0' },
      settings: { maxClockHz: 1.98e9 },
    });
    expect(d.notes.join('\n')).toMatch(/NVRTC/);
    expect(d.notes.join('\n')).toMatch(/cuBLAS/);
  });

  it('is unavailable, with the driver’s own name and message, when cuInit fails', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake libcuda');
    process.env.FLOPMETER_LIBCUDA = fake;
    process.env.FAKE_CUDA_INIT_ERROR = '100';
    expect(await cudaBackend.discover()).toMatchObject({
      available: false,
      reason: 'libcuda: cuInit failed: CUDA_ERROR_NO_DEVICE (100): no CUDA-capable device is detected',
    });
  });

  it('is unavailable, saying what was looked for, without libcuda', async () => {
    process.env.FLOPMETER_LIBCUDA = '/nonexistent/libcuda.so.1';
    const d = await cudaBackend.discover();
    expect(d.available).toBe(false);
    if (!d.available) expect(d.reason).toMatch(/^the CUDA driver \(libcuda\.so\.1\) not found \(looked for FLOPMETER_LIBCUDA=\/nonexistent\/libcuda\.so\.1/);
  });

  it('turns a device that cannot be opened into errored results, and the run goes on', async (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake libcuda');
    process.env.FLOPMETER_LIBCUDA = fake;
    process.env.FAKE_CUDA_NO_CONTEXT = '1';
    const outcome = await runSuite({
      backends: [cudaBackend],
      explicitBackends: true,
      probes: [findProbe('reduce')!],
      preset: 'quick',
      overrides: [],
      seed: 1,
      telemetry: false,
      signal: new AbortController().signal,
    });
    expect(outcome.results).toHaveLength(1);
    expect(outcome.results[0]).toMatchObject({
      device: 'cuda0',
      status: 'errored',
      reason: 'could not open cuda0: libcuda: cuDevicePrimaryCtxRetain failed: CUDA_ERROR_NOT_SUPPORTED (801): operation not supported',
    });
  });

  it('binds every driver call flopmeter makes (a library missing one is refused by name)', (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for the fake libcuda');
    const nvml = fakePath('nvml'); // a real shared library without the CUDA symbols
    expect(CudaDriver.load({ FLOPMETER_LIBCUDA: nvml })).toEqual({ unavailable: `${nvml} has no cuInit (driver too old?)` });
  });
});

describe('CUDA kernels without NVRTC', () => {
  it('load as the PTX nvcc built at build time, NUL-terminated for cuModuleLoadData', () => {
    const image = moduleImage('stream', 'sm_90', 13000, { unavailable: 'NVRTC not found' });
    expect(image.origin).toBe('ptx');
    expect(image.detail).toMatch(/NVRTC not found/);
    expect(image.image[image.image.length - 1]).toBe(0);
    expect(image.image.toString('utf8')).toMatch(/\.visible \.entry stream_triad_f64/);
  });

  it('cache compiled kernels under $FLOPMETER_CACHE_DIR or XDG', () => {
    expect(cacheDir({ FLOPMETER_CACHE_DIR: '/x' })).toBe('/x/cuda');
    expect(cacheDir({ XDG_CACHE_HOME: '/y', HOME: '/h' })).toBe('/y/flopmeter/cuda');
  });
});

describe('vendor library search', () => {
  it('finds a library in a Python wheel’s site-packages/nvidia folder', (ctx) => {
    requireComponent(ctx, fake !== '', 'a C compiler (gcc) for a stand-in library');
    const venv = tempDir('venv-');
    dirs.push(venv);
    const lib = join(venv, 'lib', 'python3.12', 'site-packages', 'nvidia', 'cu13', 'lib');
    mkdirSync(lib, { recursive: true });
    copyFileSync(fake, join(lib, 'libnvrtc.so.13'));
    const found = loadLibrary(
      { label: 'NVRTC', env: 'FLOPMETER_NVRTC', sonames: ['libnvrtc.so.13'], wheelPaths: ['nvidia/cu13/lib/libnvrtc.so.13'] },
      { VIRTUAL_ENV: venv },
    );
    expect('path' in found && found.path).toBe(join(lib, 'libnvrtc.so.13'));
    expect(readFileSync(join(lib, 'libnvrtc.so.13')).length).toBeGreaterThan(0);
  });
});
