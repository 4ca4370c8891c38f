/**
 * The hosts and devices of several reports side by side (name, driver,
 * clocks, power limit, ...), so that a difference in settings shows next to a
 * difference in results.
 */
import type { DeviceInfo } from '../backends/backend.js';
import { formatSI } from '../core/units.js';
import { normalisePci } from '../telemetry/devices.js';
import type { Report } from '../report/types.js';

/** One attribute across the reports. */
export interface SetupRow {
  /** "host" or a device id, e.g. "cuda0". */
  group: string;
  attribute: string;
  /** One per report; null where the report does not say. */
  values: Array<string | null>;
  /** Whether the reports that say disagree. */
  differs: boolean;
}

type Value = string | number | boolean | null | undefined;

function show(v: Value, unit?: string): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number' && unit) return formatSI(v, unit, 4);
  return String(v);
}

function hostAttributes(r: Report): Record<string, string | null> {
  const h = r.host;
  return {
    'host name': h.hostname,
    OS: `${h.os}, kernel ${h.kernel}`,
    CPU: `${h.cpu} (${h.logicalCpus} logical)`,
    memory: show(h.memoryBytes, 'B'),
    'virtual machine': h.virtual === null ? null : h.virtual ? 'yes' : 'no',
    'Node.js': h.node,
    flopmeter: `${r.tool.version}${r.tool.commit ? ` ${r.tool.commit.slice(0, 10)}${r.tool.dirty ? ' (modified)' : ''}` : ''}`,
    preset: r.config.preset,
    threads: show(r.config.threads),
  };
}

/** Settings whose name says what they are: clocks in Hz, limits in W, the rest as written. */
function unitOf(name: string): string | undefined {
  if (/Hz$/.test(name)) return 'Hz';
  if (/Watts$/.test(name)) return 'W';
  if (/Bytes$/.test(name)) return 'B';
  return undefined;
}

function deviceAttributes(r: Report, d: DeviceInfo): Record<string, string | null> {
  const pci = normalisePci(d.identity.pciBusId);
  const telemetry = pci ? r.telemetry.devices.find((t) => t.pciBusId === pci) : undefined;
  const driver = telemetry?.identity?.driverVersion ?? d.identity.driverVersion ?? d.identity.cudaDriverVersion ?? d.identity.driver;
  const out: Record<string, string | null> = {
    name: d.name,
    identity: show(d.identity.uuid ?? d.identity.pciBusId),
    driver: show(driver),
    'power limit': show(telemetry?.identity?.powerLimitWatts ?? d.settings.powerLimitWatts, 'W'),
  };
  for (const [k, v] of Object.entries(d.settings)) if (k !== 'powerLimitWatts') out[k] = show(v, unitOf(k));
  return out;
}

/** Every attribute any report states, in first-seen order, one value per report. */
export function setupRows(reports: readonly Report[]): SetupRow[] {
  const groups = new Map<string, Array<Record<string, string | null>>>();
  groups.set('host', reports.map(hostAttributes));
  const ids = [...new Set(reports.flatMap((r) => r.devices.map((d) => d.id)))];
  for (const id of ids) {
    groups.set(id, reports.map((r) => {
      const d = r.devices.find((x) => x.id === id);
      return d ? deviceAttributes(r, d) : {};
    }));
  }
  const rows: SetupRow[] = [];
  for (const [group, perReport] of groups) {
    const attributes = [...new Set(perReport.flatMap((a) => Object.keys(a)))];
    for (const attribute of attributes) {
      const values = perReport.map((a) => a[attribute] ?? null);
      const stated = values.filter((v): v is string => v !== null);
      if (!stated.length) continue;
      rows.push({ group, attribute, values, differs: new Set(stated).size > 1 || stated.length < values.length });
    }
  }
  return rows;
}
