/**
 * The telemetry worker: builds the samplers, reads each on its own period,
 * and sends samples to the main thread in batches (and at once on a flush).
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { describeError } from '../core/errors.js';
import { SAMPLERS } from './index.js';
import { ProcessAccounting } from './process-accounting.js';
import { PROCESS_PERIOD_SECONDS } from './process-ledger.js';
import type { Sampler } from './sampler.js';
import type { FromTelemetry, SamplerStats, ToTelemetry } from './protocol.js';
import type { MissingSensor, Sample, SensorInfo } from './types.js';
import type { TelemetryDevice } from './devices.js';
import type { DeviceHealth, HealthChange } from './health.js';

if (!parentPort) throw new Error('telemetry worker: must run as a worker thread');
const port = parentPort;

/** Batches go to the main thread four times a second: fresh enough for a live display, few messages. */
const BATCH_PERIOD_MS = 250;

const samplers: Sampler[] = [];
const stats = new Map<string, SamplerStats>();
const timers: NodeJS.Timeout[] = [];
const inFlight = new Set<string>();
let pending: Sample[] = [];
const health = new Map<string, DeviceHealth>();
let healthChanges: HealthChange[] = [];
let accounting: ProcessAccounting | null = null;
const started = performance.now();

function post(msg: FromTelemetry): void {
  port.postMessage(msg);
}

async function readOne(s: Sampler): Promise<void> {
  if (inFlight.has(s.id)) return; // a slow read is never stacked
  inFlight.add(s.id);
  const st = stats.get(s.id)!;
  const t0 = performance.now();
  try {
    const samples = await s.read();
    for (const x of samples) pending.push(x);
    accounting?.observe(samples);
    st.reads++;
    takeHealth(s, st);
  } catch (err) {
    st.errors++;
    st.lastError = describeError(err);
  } finally {
    st.busySeconds += (performance.now() - t0) / 1000;
    inFlight.delete(s.id);
  }
}

/** A health-tracking sampler's report: its devices' health kept, its changes queued, its failed calls counted as an error of the read. */
function takeHealth(s: Sampler, st: SamplerStats): void {
  const h = s.health?.();
  if (!h) return;
  for (const d of h.devices) health.set(d.device, d);
  healthChanges.push(...h.changes);
  if (h.readError) {
    st.errors++;
    st.lastError = h.readError;
  }
}

function sendPending(): void {
  // Every batch carries the samplers' counters, so a long-running exporter sees them without flushes.
  const processes = accounting?.changedSnapshot();
  post({ type: 'samples', samples: pending, stats: snapshot(), ...(health.size ? { health: { devices: [...health.values()], changes: healthChanges } } : {}), ...(processes ? { processes } : {}) });
  pending = [];
  healthChanges = [];
}

function snapshot(): SamplerStats[] {
  const elapsed = (performance.now() - started) / 1000;
  return [...stats.values()].map((s) => ({ ...s, elapsedSeconds: elapsed }));
}

async function init(names: string[], options: Parameters<(typeof SAMPLERS)[string]>[0]): Promise<void> {
  const sensors: SensorInfo[] = [];
  const missing: MissingSensor[] = [];
  const devices = new Map<string, TelemetryDevice>();
  const notes: string[] = [];
  for (const name of names) {
    const factory = SAMPLERS[name];
    if (!factory) {
      notes.push(`${name}: unknown sampler`);
      continue;
    }
    try {
      const s = await factory(options);
      samplers.push(s);
      for (const d of s.devices) if (!devices.has(d.id)) devices.set(d.id, d);
      notes.push(...(s.notes ?? []));
      sensors.push(...s.sensors);
      missing.push(...s.missing);
      stats.set(s.id, { sampler: s.id, reads: 0, errors: 0, lastError: null, busySeconds: 0, elapsedSeconds: 0 });
    } catch (err) {
      notes.push(`${name}: failed to start: ${describeError(err)}`);
    }
  }
  for (const s of samplers) {
    if (s.sensors.length === 0) continue;
    await readOne(s);
    timers.push(setInterval(() => void readOne(s), s.periodSeconds * 1000));
  }
  accounting = startAccounting(options, notes);
  timers.push(setInterval(sendPending, BATCH_PERIOD_MS));
  post({ type: 'ready', devices: [...devices.values()], sensors, missing, notes });
}

/** Energy per process, where a GPU or the CPU has an energy counter; a failure to start is a note, not the end of telemetry. */
function startAccounting(options: Parameters<(typeof SAMPLERS)[string]>[0], notes: string[]): ProcessAccounting | null {
  try {
    const a = ProcessAccounting.create(samplers, options);
    if (a) timers.push(setInterval(() => a.tick(), PROCESS_PERIOD_SECONDS * 1000));
    return a;
  } catch (err) {
    notes.push(`energy per process: failed to start: ${describeError(err)}`);
    return null;
  }
}

port.on('message', (msg: ToTelemetry) => {
  void (async () => {
    switch (msg.type) {
      case 'init':
        await init(msg.samplers, msg.options);
        break;
      case 'flush':
        await Promise.all(samplers.filter((s) => s.counter && s.sensors.length > 0).map(readOne));
        if (msg.settle) accounting?.tick();
        sendPending();
        post({ type: 'flushed', id: msg.id, stats: snapshot() });
        break;
      case 'idle':
        accounting?.setIdleBaseline(msg.device, msg.watts);
        break;
      case 'stop':
        for (const t of timers) clearInterval(t);
        sendPending();
        accounting?.close();
        for (const s of samplers) await s.close?.();
        post({ type: 'stopped' });
        break;
    }
  })();
});
