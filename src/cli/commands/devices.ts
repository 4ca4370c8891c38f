/**
 * `flopmeter devices`: every backend with its availability (and why not),
 * every device with its identity and limits, and the telemetry sensors
 * found for it (or why each is missing).
 */
import type { Argv } from 'yargs';
import { BACKENDS } from '../../backends/index.js';
import type { DeviceInfo } from '../../backends/backend.js';
import { formatBytes } from '../../core/units.js';
import type { BackendStatus } from '../../measure/suite.js';
import { HOST_CPU_DEVICE } from '../../measure/suite.js';
import { renderTable } from '../../report/table.js';
import { DEFAULT_SAMPLERS } from '../../telemetry/index.js';
import { Telemetry } from '../../telemetry/service.js';
import type { MissingSensor, SensorInfo } from '../../telemetry/types.js';
import { EXIT, type CommandSpec } from '../context.js';

interface DevicesJson {
  backends: BackendStatus[];
  devices: DeviceInfo[];
  sensors: SensorInfo[];
  missing: MissingSensor[];
}

async function gather(): Promise<DevicesJson> {
  const backends: BackendStatus[] = [];
  const devices: DeviceInfo[] = [];
  for (const b of BACKENDS) {
    const d = await b.discover();
    backends.push({ id: b.id, available: d.available, reason: d.available ? null : d.reason, notes: d.notes });
    devices.push(...d.devices);
  }
  const telemetry = await Telemetry.start({ samplers: DEFAULT_SAMPLERS, options: { cpuDevice: HOST_CPU_DEVICE, ...(process.env.FLOPMETER_POWERCAP_ROOT ? { powercapRoot: process.env.FLOPMETER_POWERCAP_ROOT } : {}) } });
  const { sensors, missing } = telemetry;
  await telemetry.stop();
  return { backends, devices, sensors, missing };
}

function render(info: DevicesJson): string {
  const lines: string[] = [];
  lines.push(
    renderTable(
      [{ header: 'backend' }, { header: 'available' }, { header: 'notes' }],
      info.backends.map((b) => [b.id, b.available ? 'yes' : `no: ${b.reason}`, b.notes.join('; ')]),
    ),
  );
  for (const d of info.devices) {
    lines.push('', `${d.id} (${d.backend}): ${d.name}`);
    const fields = { ...d.identity, ...d.settings };
    for (const [k, v] of Object.entries(fields)) if (v !== null && v !== '') lines.push(`  ${k}: ${/Bytes$/.test(k) && typeof v === 'number' ? formatBytes(v) : v}`);
    for (const [k, v] of Object.entries(d.limits)) lines.push(`  limit ${k}: ${/Bytes$/.test(k) ? formatBytes(v) : v}`);
    for (const s of info.sensors.filter((x) => x.device === d.id)) lines.push(`  sensor ${s.quantity}${s.component ? `/${s.component}` : ''}: ${s.description}`);
    for (const m of info.missing.filter((x) => x.device === d.id)) lines.push(`  missing ${m.quantity}: ${m.reason}`);
  }
  return lines.join('\n');
}

export const devicesCommand: CommandSpec = {
  command: 'devices',
  describe: 'List backends, devices, their identity and limits, and the sensors found for each',
  builder: (y: Argv) => y.option('json', { type: 'boolean', default: false, describe: 'Print as JSON' }),
  async run(args: { json: boolean }, ctx) {
    const info = await gather();
    ctx.stdout.write(args.json ? `${JSON.stringify(info, null, 2)}\n` : `${render(info)}\n`);
    return EXIT.OK;
  },
};
