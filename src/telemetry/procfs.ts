/**
 * Who a process is, from procfs: its command name (/proc/PID/comm), the
 * container and Kubernetes pod it runs in (from the cgroup paths in
 * /proc/PID/cgroup, cgroup v1 and v2, as containerd, CRI-O and Docker name
 * them), and the CPU time it has used (/proc/PID/stat). The procfs root is a
 * parameter so that tests read fixture trees.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDir, readText } from './files.js';

export const PROC_ROOT = '/proc';

/** Where a process runs: empty strings when it is not in a container or pod (or procfs does not say). */
export interface ProcessPlacement {
  /** The container's id, 64 hex digits (containerd, CRI-O, Docker, Podman). */
  containerId: string;
  /** The Kubernetes pod's UID, with dashes (systemd slice names spell them as underscores). */
  podUid: string;
}

/** A process's identity, as its metric labels carry it. */
export interface ProcessIdentity extends ProcessPlacement {
  pid: number;
  /** The command name (/proc/PID/comm, at most 15 characters). */
  command: string;
}

/**
 * A cgroup path segment naming a container: "<64hex>" (cgroupfs driver:
 * /docker/<id>, /kubepods/burstable/pod<uid>/<id>) or, with the systemd
 * driver, "cri-containerd-<id>.scope", "crio-<id>.scope", "docker-<id>.scope",
 * "libpod-<id>.scope". CRI-O's monitor ("crio-conmon-<id>.scope") is not the container.
 */
const CONTAINER_SEGMENT = /^(?:(?:cri-containerd|crio|docker|libpod)-)?([0-9a-f]{64})(?:\.scope)?$/;
/** "pod<uid>" (cgroupfs) or "kubepods[-<qos>]-pod<uid with _>.slice" (systemd). */
const POD_SEGMENT = /^(?:kubepods(?:-besteffort|-burstable)?-)?pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice)?$/;

/** The container and pod in /proc/PID/cgroup's text ("hierarchy:controllers:path" per line). */
export function parseCgroup(text: string): ProcessPlacement {
  const placement: ProcessPlacement = { containerId: '', podUid: '' };
  for (const line of text.split('\n')) {
    const path = line.split(':').slice(2).join(':');
    for (const segment of path.split('/')) {
      const container = CONTAINER_SEGMENT.exec(segment);
      if (container && !placement.containerId) placement.containerId = container[1]!;
      const pod = POD_SEGMENT.exec(segment);
      if (pod && !placement.podUid) placement.podUid = pod[1]!.replace(/_/g, '-');
    }
    if (placement.containerId && placement.podUid) break;
  }
  return placement;
}

/** The process's identity, or null when it is gone (or procfs hides it). */
export function readIdentity(pid: number, procRoot = PROC_ROOT): ProcessIdentity | null {
  const comm = readText(join(procRoot, String(pid), 'comm'));
  if (comm === null) return null;
  const cgroup = readText(join(procRoot, String(pid), 'cgroup'));
  return { pid, command: comm.trim(), ...(cgroup === null ? { containerId: '', podUid: '' } : parseCgroup(cgroup)) };
}

/** CPU time the process has used, in clock ticks (utime + stime of /proc/PID/stat); null when it is gone. */
export function readCpuTicks(pid: number, procRoot = PROC_ROOT): number | null {
  const stat = readText(join(procRoot, String(pid), 'stat'));
  if (stat === null) return null;
  // The command (field 2) is in parentheses and may hold spaces or parentheses: fields are counted after the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, so utime (field 14) and stime (field 15) are at 11 and 12 here.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks : null;
}

/** The process ids procfs lists. */
export function listPids(procRoot = PROC_ROOT): number[] {
  return listDir(procRoot)
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
}

/** Linux's USER_HZ on every architecture it runs on today, used where the auxiliary vector cannot be read. */
export const DEFAULT_CLOCK_TICKS = 100;
/** The auxiliary vector's entry for the clock ticks per second (AT_CLKTCK in <elf.h>). */
const AT_CLKTCK = 17n;

/**
 * Clock ticks per second for /proc/PID/stat's times: AT_CLKTCK from this
 * process's auxiliary vector (/proc/self/auxv, 64-bit key/value pairs), what
 * `getconf CLK_TCK` reports, without forking (a fork from the telemetry thread
 * while OpenBLAS's threads are busy can deadlock: see host.ts); else 100.
 */
export function clockTicksPerSecond(): number {
  try {
    const auxv = readFileSync('/proc/self/auxv');
    for (let i = 0; i + 16 <= auxv.length; i += 16) {
      if (auxv.readBigUInt64LE(i) !== AT_CLKTCK) continue;
      const n = Number(auxv.readBigUInt64LE(i + 8));
      return Number.isInteger(n) && n > 0 ? n : DEFAULT_CLOCK_TICKS;
    }
  } catch {
    // No procfs: the default.
  }
  return DEFAULT_CLOCK_TICKS;
}
