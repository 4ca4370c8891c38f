/**
 * A probe's seeded inputs and float64 reference, computed on a worker thread
 * where the probe says where it is defined (ProbeDefinition.source): at the
 * largest sizes they take seconds of pure JavaScript, which on the main thread
 * would stall the exporter's scrapes and every timer, the run's timeout among
 * them. An interruption terminates the worker at once.
 */
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AbortedError, FlopmeterError } from '../core/errors.js';
import { requireBuilt, workerScript } from '../core/paths.js';
import type { AnyProbe, Inputs, Params, Reference } from '../core/probe.js';

/** What the main thread asks the worker: the compiled module of the probe, and what to compute. */
export interface PrepareRequest {
  module: string;
  id: string;
  seed: number;
  params: Params;
}

export type PrepareReply = { inputs: Inputs; reference: Reference } | { error: string };

export interface Prepared {
  inputs: Inputs;
  reference: Reference;
}

/** The compiled module a probe's source URL stands for, when it is the module the probe came from; else null. */
async function compiledSource(probe: AnyProbe): Promise<string | null> {
  if (!probe.source) return null;
  // A probe copied from another ({ ...stream, id: 'x', inputs }) keeps the original's source: only the module's own export counts.
  const own = ((await import(probe.source)) as { default?: unknown }).default === probe;
  if (!own) return null;
  const name = basename(fileURLToPath(probe.source)).replace(/\.[cm]?[jt]s$/, '');
  return pathToFileURL(requireBuilt(workerScript(probe.source, name))).href;
}

function onWorker(module: string, req: Omit<PrepareRequest, 'module'>, signal: AbortSignal): Promise<Prepared> {
  // Interrupted while the probe's module was being resolved: the abort event has already fired.
  if (signal.aborted) return Promise.reject(new AbortedError('interrupted'));
  const worker = new Worker(requireBuilt(workerScript(import.meta.url, 'prepare-worker')));
  return new Promise<Prepared>((resolve, reject) => {
    const done = (settle: () => void): void => {
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      settle();
    };
    const onAbort = (): void => done(() => reject(new AbortedError('interrupted')));
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (reply: PrepareReply) => done(() => ('error' in reply ? reject(new FlopmeterError(`preparing ${req.id}: ${reply.error}`)) : resolve(reply))));
    worker.once('error', (err) => done(() => reject(err)));
    worker.once('exit', (code) => done(() => reject(new FlopmeterError(`preparing ${req.id}: the worker exited (code ${code})`))));
    worker.postMessage({ module, ...req } satisfies PrepareRequest);
  });
}

/** The probe's inputs and reference, off the calling thread where the probe allows it; throws AbortedError when interrupted. */
export async function prepareInputs(probe: AnyProbe, params: Params, seed: number, signal: AbortSignal): Promise<Prepared> {
  if (signal.aborted) throw new AbortedError('interrupted');
  const module = await compiledSource(probe);
  if (module) return onWorker(module, { id: probe.id, seed, params }, signal);
  const inputs = probe.inputs(seed, params);
  return { inputs, reference: await probe.reference(inputs, params) };
}
