/**
 * The main-thread side of the bcrypt worker: one thread, started on first
 * use, that checks passwords in order. One thread keeps a flood of wrong
 * passwords from taking more than one core from the measurements, as the
 * exporter-toolkit serialises its bcrypt checks behind a mutex.
 */
import { Worker } from 'node:worker_threads';
import { requireBuilt, workerScript } from '../core/paths.js';

/** A comparison asked of the worker. */
export interface BcryptRequest {
  id: number;
  password: string;
  hash: string;
}

/** The worker's answer: whether the password matches the hash. */
export interface BcryptReply {
  id: number;
  ok: boolean;
}

export class BcryptWorker {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (ok: boolean) => void; reject: (err: Error) => void }>();

  /** Whether `password` matches the bcrypt `hash`; a malformed hash matches nothing. */
  compare(password: string, hash: string): Promise<boolean> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, password, hash } satisfies BcryptRequest);
    });
  }

  private start(): Worker {
    const worker = new Worker(requireBuilt(workerScript(import.meta.url, 'bcrypt-worker')));
    // Idle, the worker does not keep the process alive.
    worker.unref();
    worker.on('message', (msg: BcryptReply) => {
      this.pending.get(msg.id)?.resolve(msg.ok);
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
    });
    const fail = (err: Error): void => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      if (this.worker === worker) this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the bcrypt worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }
}
