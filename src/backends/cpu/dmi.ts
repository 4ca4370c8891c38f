/**
 * The memory devices (DIMMs) the firmware describes: SMBIOS type-17 tables as
 * Linux exposes them raw under /sys/firmware/dmi/entries/17-N/raw (readable by
 * root), for the theoretical memory bandwidth. Offsets from the DMTF SMBIOS
 * specification 3.x, "Memory Device (Type 17)".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostRoots } from './cpuinfo.js';

/** One populated memory device. */
export interface MemoryDevice {
  /** Transfers per second (the configured speed where given, else the rated one), MT/s × 1e6. */
  transfersPerSecond: number;
  /** Data bus width, bits (64 for a DDR4 DIMM, without ECC bits). */
  dataWidthBits: number;
}

export type MemoryDevices = { devices: MemoryDevice[]; source: string } | { unreadable: string };

/** "Unknown" in SMBIOS word fields. */
const UNKNOWN_WORD = 0xffff;

/** A word at `at` when the table is long enough to hold it and the value is known (not 0 or 0xFFFF). */
function word(raw: Buffer, at: number): number | null {
  if (raw.length < at + 2 || raw[1]! < at + 2) return null;
  const v = raw.readUInt16LE(at);
  return v === 0 || v === UNKNOWN_WORD ? null : v;
}

/** A dword (SMBIOS 3.3's extended speeds), same rules. */
function dword(raw: Buffer, at: number): number | null {
  if (raw.length < at + 4 || raw[1]! < at + 4) return null;
  const v = raw.readUInt32LE(at);
  return v === 0 ? null : v;
}

/** A populated device's speed (MT/s) and width, or null when empty or not stated. */
export function parseMemoryDevice(raw: Buffer): MemoryDevice | null {
  if (raw[0] !== 17) return null;
  const size = word(raw, 0x0c);
  if (size === null) return null; // 0: no device installed
  // Configured speed (0x20), else rated speed (0x15); 0xFFFF in either defers to its SMBIOS 3.3 dword.
  const configured = raw.length >= 0x22 && raw.readUInt16LE(0x20) === UNKNOWN_WORD ? dword(raw, 0x58) : word(raw, 0x20);
  const rated = raw.length >= 0x17 && raw.readUInt16LE(0x15) === UNKNOWN_WORD ? dword(raw, 0x54) : word(raw, 0x15);
  const mts = configured ?? rated;
  const width = word(raw, 0x0a);
  if (mts === null || width === null) return null;
  return { transfersPerSecond: mts * 1e6, dataWidthBits: width };
}

/** Every populated memory device with a stated speed; unreadable (with why) when there are none. */
export function readMemoryDevices(roots: HostRoots): MemoryDevices {
  const dir = join(roots.sys, 'firmware', 'dmi', 'entries');
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((e) => /^17-\d+$/.test(e));
  } catch {
    return { unreadable: `${dir} is not readable (no DMI tables: usual in a VM or container)` };
  }
  const devices: MemoryDevice[] = [];
  for (const e of entries) {
    try {
      const d = parseMemoryDevice(readFileSync(join(dir, e, 'raw')));
      if (d) devices.push(d);
    } catch {
      return { unreadable: `${join(dir, e, 'raw')} is not readable (root only)` };
    }
  }
  if (devices.length === 0) return { unreadable: `no populated memory device with a stated speed in ${dir} (usual in a VM)` };
  return { devices, source: `${dir}/17-*/raw (SMBIOS memory devices)` };
}
