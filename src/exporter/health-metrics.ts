/**
 * Device health as metric families: up, the health state with its reason,
 * critical Xid events by code, ECC error counters, remapped rows and row-remap
 * failures. Only for devices whose sampler tracks health (NVML's GPUs); a
 * counter the device does not have is absent, never 0.
 */
import type { Telemetry } from '../telemetry/service.js';
import { family, type Family, type Labels, type Sample } from './family.js';

const FAMILIES = {
  up: { name: 'flopmeter_device_up', type: 'gauge', help: 'Whether every read of the device works: 0 when the driver reports it lost or any of its reads fails (the reason: flopmeter_device_health_info).' },
  info: { name: 'flopmeter_device_health_info', type: 'gauge', help: 'The device’s health: state "ok", "degraded" (some reads fail) or "lost" (the driver reports the device lost); reason: the failing reads and their errors, "" when ok.' },
  xid: { name: 'flopmeter_device_xid_errors_total', type: 'counter', help: 'Critical Xid events the driver reported since the exporter started, by Xid code.' },
  ecc: { name: 'flopmeter_device_ecc_errors_total', type: 'counter', help: 'ECC errors since the driver loaded (NVML volatile counters), corrected and uncorrected.' },
  rows: { name: 'flopmeter_device_remapped_rows', type: 'gauge', help: 'DRAM rows remapped, by the cause: correctable or uncorrectable errors.' },
  pending: { name: 'flopmeter_device_row_remap_pending', type: 'gauge', help: 'Whether a row remap waits for the next GPU reset (1) or not (0).' },
  failed: { name: 'flopmeter_device_row_remap_failed', type: 'gauge', help: 'Whether a row remap has failed (1: the GPU needs servicing) or not (0).' },
} as const;

export function healthFamilies(telemetry: Telemetry): Family[] {
  const samples = new Map(Object.keys(FAMILIES).map((k) => [k as keyof typeof FAMILIES, [] as Sample[]]));
  const add = (k: keyof typeof FAMILIES, labels: Labels, value: number): void => void samples.get(k)!.push({ labels, value });
  for (const h of telemetry.health) {
    const device = h.device;
    add('up', { device }, h.state === 'ok' ? 1 : 0);
    add('info', { device, state: h.state, reason: h.reason }, 1);
    for (const [code, n] of Object.entries(h.xid ?? {})) add('xid', { device, xid: code }, n);
    if (h.ecc) {
      add('ecc', { device, severity: 'corrected' }, h.ecc.corrected);
      add('ecc', { device, severity: 'uncorrected' }, h.ecc.uncorrected);
    }
    if (h.remappedRows) {
      add('rows', { device, cause: 'correctable' }, h.remappedRows.correctable);
      add('rows', { device, cause: 'uncorrectable' }, h.remappedRows.uncorrectable);
      add('pending', { device }, h.remappedRows.pending ? 1 : 0);
      add('failed', { device }, h.remappedRows.failureOccurred ? 1 : 0);
    }
  }
  return (Object.keys(FAMILIES) as Array<keyof typeof FAMILIES>).map((k) => family(FAMILIES[k].name, FAMILIES[k].help, FAMILIES[k].type, samples.get(k)!));
}
