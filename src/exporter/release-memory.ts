/**
 * Giving back the memory a measurement took. Its inputs, reference and
 * kernel buffers (hundreds of MiB at standard sizes, up to --probe-max-bytes)
 * are garbage once it ends, but V8 collects an idle heap only when it next
 * needs to, which in an exporter that only serves scrapes may be never: the
 * process would stay that large. One full collection after each measurement
 * returns them to the system at once; it costs milliseconds on this heap.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

/** V8's gc(), exposed to a fresh context (the main one is left as it was); null where V8 refuses. */
function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    collect = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** Runs a full garbage collection, where the runtime allows one; otherwise does nothing. */
export function releaseMemory(): void {
  collector()?.();
}
