/**
 * The hosted-workload seam through real sessions (the CPU pool; Dawn on
 * lavapipe): a workload that is not a model — a seeded sum computed on the
 * host — is accepted, refused, capacity-checked, prepared, verified, run and
 * interrupted by the session base, with what each session lends it (device,
 * buffer limits, abort poll, WebGPU device) seen from the workload's side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/backends/cpu/index.js';
import { webgpuBackend } from '../../src/backends/webgpu/index.js';
import { roundtripWindow } from '../../src/backends/roundtrip.js';
import type { DeviceSession } from '../../src/backends/backend.js';
import type { WebGpuSession } from '../../src/backends/webgpu/session.js';
import { CapacityError } from '../../src/core/errors.js';
import { defineProbe, type AnyProbe } from '../../src/core/probe.js';
import { Rng } from '../../src/core/random.js';
import type { HostedWorkload, WorkloadHost } from '../../src/core/workload.js';
import { verify } from '../../src/measure/verify.js';
import { requireComponent } from '../helpers.js';

/** What the workload saw of its hosts, and what it is told to refuse. */
interface Seen {
  hosts: WorkloadHost[];
  refuseOn: string | null;
  /** Largest array the workload allows itself, elements (its own capacity limit). */
  maxElements: number;
}

/** A hosted workload: the sum of the input, one iteration per call, timed on the host. */
function sumWorkload(n: number, seen: Seen): HostedWorkload {
  return {
    kind: 'hosted',
    identity: `host sum of ${n} values`,
    unsupportedOn(host) {
      seen.hosts.push(host);
      return host.device.id === seen.refuseOn ? `not on ${host.device.id}` : null;
    },
    checkCapacity(host) {
      seen.hosts.push(host);
      if (n > seen.maxElements) throw new CapacityError(`${n} values are more than ${seen.maxElements}`, 8 * n, 8 * seen.maxElements, 'test limit');
    },
    async prepare(host, inputs) {
      seen.hosts.push(host);
      const x = inputs.x!;
      let out = 0;
      const iterate = (): void => {
        out = 0;
        for (let i = 0; i < x.length; i++) out += x[i]!;
      };
      return {
        engine: `host loop on ${host.device.id}`,
        kernelIdentity: `host sum of ${n} values`,
        timer: host.capabilities.timer,
        notes: [],
        runOnce: async () => (iterate(), Float64Array.of(out)),
        runWindow: (request) => roundtripWindow(request, iterate, host.aborted),
        dispose: async () => {},
      };
    },
  };
}

function sumProbe(seen: Seen, backends: ReadonlyArray<'cpu' | 'webgpu'> = ['cpu', 'webgpu']): AnyProbe {
  const impl = (p: { n: number }): HostedWorkload => sumWorkload(p.n, seen);
  return defineProbe<{ n: number }>({
    id: 'hosted-sum',
    definition: { version: 1, work: 'items = n', reference: 'the float64 sum of the input' },
    description: 'a hosted workload for the seam test',
    headline: 'items',
    latencyHeadline: 'p50',
    params: { n: { description: 'values', integer: { min: 1, max: 2 ** 30 } } },
    presets: { quick: { n: [1000] }, standard: { n: [1000] }, full: { n: [1000] } },
    work: ({ n }) => ({ items: n }),
    memoryBytes: ({ n }) => 8 * n,
    inputs: (seed, { n }) => ({ x: new Rng(seed).fill(new Float64Array(n), -1, 1) }),
    reference: ({ x }) => ({ values: Float64Array.of(Array.from(x!).reduce((s, v) => s + v, 0)) }),
    tolerance: () => 1e-12,
    impl: Object.fromEntries(backends.map((b) => [b, impl])),
  });
}

/** The host's CPU with one worker thread. */
async function openCpu(): Promise<DeviceSession> {
  const { devices } = await cpuBackend.discover();
  return cpuBackend.open(devices[0]!, { threads: 1 });
}

describe('a hosted workload on the CPU session', () => {
  let session: DeviceSession;
  beforeAll(async () => void (session = await openCpu()));
  afterAll(() => session.close());

  it('is lent the device, no buffer limits, and asked why not; a probe without a CPU implementation is refused by the session', () => {
    const seen: Seen = { hosts: [], refuseOn: null, maxElements: Infinity };
    expect(session.unsupported(sumProbe(seen), { n: 1000 })).toBeNull();
    expect(seen.hosts[0]!.device).toBe(session.device);
    expect(seen.hosts[0]!.capabilities).toBe(session.capabilities);
    expect(seen.hosts[0]!.bufferLimits).toEqual({});
    expect(seen.hosts[0]!.webgpu).toBeUndefined();
    seen.refuseOn = session.device.id;
    expect(session.unsupported(sumProbe(seen), { n: 1000 })).toBe(`not on ${session.device.id}`);
    expect(session.unsupported(sumProbe(seen, ['webgpu']), { n: 1000 })).toBe('probe hosted-sum has no CPU implementation');
  });

  it("checks the workload's own capacity first, then the probe's host memory", () => {
    const seen: Seen = { hosts: [], refuseOn: null, maxElements: 100 };
    expect(() => session.checkCapacity(sumProbe(seen), { n: 1000 }, 2 ** 30)).toThrow(/1000 values are more than 100/);
    seen.maxElements = Infinity;
    expect(() => session.checkCapacity(sumProbe(seen), { n: 1000 }, 7999)).toThrow(/needs 7\.8 KiB of host memory/);
    expect(() => session.checkCapacity(sumProbe(seen), { n: 1000 }, 8000)).not.toThrow();
  });

  it('prepares, verifies and runs it, forwards an interruption and resets it for the next result', async () => {
    const seen: Seen = { hosts: [], refuseOn: null, maxElements: Infinity };
    const probe = sumProbe(seen);
    const inputs = probe.inputs(3, { n: 1000 });
    const prepared = await session.prepare(probe, { n: 1000 }, inputs);
    expect(prepared.engine).toBe(`host loop on ${session.device.id}`);
    const check = verify(await prepared.runOnce(), await probe.reference(inputs, { n: 1000 }), probe.tolerance({ n: 1000 }));
    expect(check.passed, `max error ${check.maxRelError}`).toBe(true);
    const host = seen.hosts.at(-1)!;
    expect(host.aborted()).toBe(false);
    expect((await prepared.runWindow({ minSeconds: 0, minIterations: 3, maxIterations: 3 })).iterations).toBe(3);
    session.abort();
    expect(host.aborted()).toBe(true);
    const stopped = await prepared.runWindow({ minSeconds: 60, minIterations: 1e9, maxIterations: 1e9 });
    expect(stopped.aborted).toBe(true);
    expect(stopped.iterations).toBeLessThan(1e9);
    await session.prepare(probe, { n: 1000 }, inputs);
    expect(host.aborted()).toBe(false);
  });
});

describe('a hosted workload on the WebGPU session (lavapipe)', () => {
  let session: WebGpuSession | null = null;
  let why = '';
  beforeAll(async () => {
    const d = await webgpuBackend.discover();
    if (d.available) session = (await webgpuBackend.open(d.devices[0]!, {})) as WebGpuSession;
    else why = d.reason;
  });
  afterAll(() => session?.close());

  it("is lent the adapter's buffer limits, in the order they are checked, and the open device", async (ctx) => {
    requireComponent(ctx, session !== null, `a WebGPU adapter (${why})`);
    const seen: Seen = { hosts: [], refuseOn: null, maxElements: Infinity };
    const probe = sumProbe(seen);
    session!.checkCapacity(probe, { n: 1000 }, 2 ** 30);
    const limits = seen.hosts.at(-1)!.bufferLimits;
    expect(Object.keys(limits)).toEqual(['maxStorageBufferBindingSize', 'maxBufferSize']);
    expect(limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    await session!.prepare(probe, { n: 1000 }, probe.inputs(3, { n: 1000 }));
    const gpu = seen.hosts.at(-1)!.webgpu!;
    expect(gpu.device).toBe(session!.gpuDevice);
    expect(gpu.key.startsWith(`${session!.device.id}/`)).toBe(true);
  });
});
