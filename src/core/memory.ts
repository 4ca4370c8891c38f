/**
 * Host memory a run may use: the kernel's MemAvailable, capped by the
 * cgroup's limit when the process runs in a container (where os.freemem()
 * reports the whole host's memory).
 */
import os from 'node:os';
import { readFileSync } from 'node:fs';

function readNumber(path: string): number | null {
  try {
    const text = readFileSync(path, 'utf8').trim();
    if (text === 'max') return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** Bytes available now, in bytes. */
export function availableMemory(): number {
  const host = os.freemem();
  // cgroup v2, then v1.
  const limit = readNumber('/sys/fs/cgroup/memory.max') ?? readNumber('/sys/fs/cgroup/memory/memory.limit_in_bytes');
  const usage = readNumber('/sys/fs/cgroup/memory.current') ?? readNumber('/sys/fs/cgroup/memory/memory.usage_in_bytes');
  if (limit !== null && usage !== null && limit < 2 ** 60) return Math.max(0, Math.min(host, limit - usage));
  return host;
}
