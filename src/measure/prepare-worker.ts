/**
 * The preparation worker: loads one probe's module, computes its seeded
 * inputs and float64 reference, and hands the arrays to the main thread
 * (transferred, not copied). Terminated when the run is interrupted, which
 * stops even a long reference loop at once.
 */
import { parentPort } from 'node:worker_threads';
import { describeError } from '../core/errors.js';
import type { AnyProbe } from '../core/probe.js';
import type { PrepareReply, PrepareRequest } from './prepare.js';

if (!parentPort) throw new Error('prepare worker: must run as a worker thread');
const port = parentPort;

/** Every distinct ArrayBuffer under the arrays (a shared one cannot be transferred, and needs not be). */
function buffers(arrays: ArrayLike<number>[]): ArrayBuffer[] {
  const set = new Set<ArrayBuffer>();
  for (const a of arrays) if (ArrayBuffer.isView(a) && a.buffer instanceof ArrayBuffer) set.add(a.buffer);
  return [...set];
}

port.once('message', async (msg: PrepareRequest) => {
  try {
    const probe = ((await import(msg.module)) as { default: AnyProbe }).default;
    if (probe?.id !== msg.id) throw new Error(`${msg.module} does not define probe ${msg.id}`);
    const inputs = probe.inputs(msg.seed, msg.params);
    const reference = await probe.reference(inputs, msg.params);
    const arrays = [...Object.values(inputs), reference.values, ...(reference.indices ? [reference.indices] : []), ...(reference.scale ? [reference.scale] : [])];
    port.postMessage({ inputs, reference } satisfies PrepareReply, buffers(arrays));
  } catch (err) {
    port.postMessage({ error: describeError(err) } satisfies PrepareReply);
  }
});
