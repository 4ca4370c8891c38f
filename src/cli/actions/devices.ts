/**
 * What `flopmeter devices` does (its options: ../commands/devices.ts): asks
 * every backend for its devices, starts telemetry to find the sensors, and
 * prints what it found.
 */
import { BACKENDS } from '../../backends/index.js';
import type { DeviceInfo, TheoreticalPeaks } from '../../backends/backend.js';
import { formatBytes, formatSI } from '../../core/units.js';
import type { BackendStatus } from '../../measure/suite.js';
import { HOST_CPU_DEVICE } from '../../measure/suite.js';
import { matchTelemetryDevice, type TelemetryDevice } from '../../telemetry/devices.js';
import { DEFAULT_SAMPLERS } from '../../telemetry/index.js';
import { Telemetry } from '../../telemetry/service.js';
import type { MissingSensor, SensorInfo } from '../../telemetry/types.js';
import { EXIT, type CommandContext } from '../context.js';
import { ENGINES, engineUnavailable } from '../../models/tfjs/engines.js';

interface PhysicalDevice extends TelemetryDevice {
  /** Backend devices that run on it, e.g. ["cuda0", "webgpu0"]. */
  runs: string[];
}

/** A TensorFlow.js engine of the model probes, and whether it is installed. */
interface EngineStatus {
  id: string;
  backend: string;
  available: boolean;
  reason: string | null;
  description: string;
}

interface DevicesJson {
  backends: BackendStatus[];
  engines: EngineStatus[];
  devices: DeviceInfo[];
  telemetryDevices: PhysicalDevice[];
  sensors: SensorInfo[];
  missing: MissingSensor[];
  notes: string[];
}

async function gather(): Promise<DevicesJson> {
  const backends: BackendStatus[] = [];
  const devices: DeviceInfo[] = [];
  for (const b of BACKENDS) {
    const d = await b.discover();
    backends.push({ id: b.id, available: d.available, reason: d.available ? null : d.reason, notes: d.notes });
    devices.push(...d.devices);
  }
  const telemetry = await Telemetry.start({
    samplers: DEFAULT_SAMPLERS,
    options: { cpuDevice: HOST_CPU_DEVICE, ...(process.env.FLOPMETER_POWERCAP_ROOT ? { powercapRoot: process.env.FLOPMETER_POWERCAP_ROOT } : {}) },
  });
  const { sensors, missing, notes } = telemetry;
  const telemetryDevices = telemetry.devices.map((t) => ({
    ...t,
    runs: devices.filter((d) => matchTelemetryDevice(d, telemetry.devices, HOST_CPU_DEVICE).id === t.id).map((d) => d.id),
  }));
  await telemetry.stop();
  const engines = ENGINES.map((e) => {
    const reason = engineUnavailable(e.id);
    return { id: e.id, backend: e.backend, available: reason === null, reason, description: e.description };
  });
  return { backends, engines, devices, telemetryDevices, sensors, missing, notes };
}

function value(key: string, v: string | number | boolean): string {
  return /Bytes$/.test(key) && typeof v === 'number' ? formatBytes(v) : String(v);
}

/** A device's theoretical peaks, each "unknown" where null, then how they were worked out and why any is unknown. */
function peakLines(p: TheoreticalPeaks): string[] {
  const figure = (v: number | null | undefined, unit: string): string => (v === null || v === undefined ? 'unknown' : formatSI(v, unit));
  return [
    ...Object.entries(p.flops).map(([precision, v]) => `  theoretical peak ${precision}: ${figure(v, 'FLOP/s')}`),
    `  theoretical peak memory: ${figure(p.memoryBytesPerSecond, 'B/s')}`,
    ...p.sources.map((s) => `    from ${s}`),
    ...p.notes.map((n) => `    ${n}`),
  ];
}

function render(info: DevicesJson): string {
  const lines: string[] = [];
  for (const b of info.backends) {
    lines.push(`${b.id.padEnd(7)} ${b.available ? 'available' : `unavailable: ${b.reason}`}`);
    for (const n of b.notes) lines.push(`        ${n}`);
  }
  lines.push('', 'model engines (TensorFlow.js):');
  for (const e of info.engines) lines.push(`  ${e.id.padEnd(13)} on ${e.backend.padEnd(6)} ${e.available ? e.description : `unavailable: ${e.reason}`}`);
  for (const d of info.devices) {
    lines.push('', `${d.id} (${d.backend}): ${d.name}`);
    for (const [k, v] of Object.entries({ ...d.identity, ...d.settings })) if (v !== null && v !== '') lines.push(`  ${k}: ${value(k, v)}`);
    for (const [k, v] of Object.entries(d.limits)) lines.push(`  limit ${k}: ${value(k, v)}`);
    if (d.peaks) lines.push(...peakLines(d.peaks));
  }
  for (const t of info.telemetryDevices) {
    lines.push('', `${t.id}: ${t.name} — runs ${t.runs.length ? t.runs.join(', ') : 'no backend device here'}`);
    for (const [k, v] of Object.entries(t.identity ?? {})) if (v !== null) lines.push(`  ${k}: ${value(k, v)}`);
    for (const s of info.sensors.filter((x) => x.device === t.id)) lines.push(`  sensor ${s.quantity}${s.component ? `/${s.component}` : ''}: ${s.description}`);
    for (const m of info.missing.filter((x) => x.device === t.id)) lines.push(`  missing ${m.quantity}: ${m.reason}`);
  }
  if (info.notes.length) lines.push('', ...info.notes.map((n) => `telemetry: ${n}`));
  return lines.join('\n');
}

/** The command's work; returns its exit code. */
export async function run(args: { json: boolean }, ctx: CommandContext): Promise<number> {
  const info = await gather();
  ctx.stdout.write(args.json ? `${JSON.stringify(info, null, 2)}\n` : `${render(info)}\n`);
  return EXIT.OK;
}
