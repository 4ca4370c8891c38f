/**
 * The main-thread side of the CPU backend's worker threads: starts them,
 * hands them kernels, and asks the leader for measurement windows.
 */
import { Worker } from 'node:worker_threads';
import { DeviceLostError, FlopmeterError } from '../../core/errors.js';
import { requireBuilt, workerScript } from '../../core/paths.js';
import type { WindowRequest, WindowTiming } from '../backend.js';
import { CTL, CTL_SLOTS, type FromWorker, type ToWorker, type WorkerKernel } from './protocol.js';

interface Waiter {
  type: FromWorker['type'];
  resolve: (msg: FromWorker) => void;
  reject: (err: Error) => void;
}

export class CpuWorkerPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(CTL_SLOTS * 4));
  private readonly waiters: Waiter[][];
  private followerError: string | null = null;
  private broken: Error | null = null;
  private closing = false;

  private constructor(private readonly workers: Worker[]) {
    this.waiters = workers.map(() => []);
    workers.forEach((w, i) => {
      w.on('message', (msg: FromWorker) => this.onMessage(i, msg));
      w.on('error', (err) => this.fail(new DeviceLostError(`CPU worker ${i} crashed: ${err.message}`)));
      w.on('exit', (code) => {
        if (!this.closing) this.fail(new DeviceLostError(`CPU worker ${i} exited unexpectedly (code ${code})`));
      });
    });
  }

  /** Starts `threads` workers and waits until each is ready. */
  static async create(threads: number): Promise<CpuWorkerPool> {
    const script = requireBuilt(workerScript(import.meta.url, 'worker'));
    const workers = Array.from({ length: threads }, () => new Worker(script));
    const pool = new CpuWorkerPool(workers);
    await Promise.all(
      workers.map((_, index) => pool.request(index, { type: 'init', control: pool.control.buffer as SharedArrayBuffer, index, threads }, 'ready')),
    );
    return pool;
  }

  get threads(): number {
    return this.workers.length;
  }

  /** Gives every worker its part of a kernel (one entry per worker). */
  async load(kernels: WorkerKernel[]): Promise<void> {
    this.assertUsable();
    Atomics.store(this.control, CTL.ERROR, 0);
    Atomics.store(this.control, CTL.ENTERED, 0);
    this.followerError = null;
    await Promise.all(kernels.map((kernel, i) => this.request(i, { type: 'load', kernel }, 'loaded')));
  }

  /** Runs one window; `withFollowers` is false for kernels the leader runs alone (a library call). */
  async window(request: WindowRequest, withFollowers: boolean): Promise<WindowTiming> {
    this.assertUsable();
    if (withFollowers) for (let i = 1; i < this.workers.length; i++) this.send(i, { type: 'enter' });
    const reply = await this.request(0, { type: 'window', ...request }, 'window');
    if (reply.type !== 'window') throw new FlopmeterError('unexpected reply');
    const { type: _type, ...timing } = reply;
    return timing;
  }

  /** Makes the leader stop after the current iteration. */
  abort(): void {
    Atomics.store(this.control, CTL.ABORT, 1);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private assertUsable(): void {
    if (this.broken) throw this.broken;
  }

  private send(index: number, msg: ToWorker): void {
    this.workers[index]!.postMessage(msg);
  }

  private request(index: number, msg: ToWorker, type: FromWorker['type']): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      if (this.broken) return reject(this.broken);
      this.waiters[index]!.push({ type, resolve, reject });
      this.send(index, msg);
    });
  }

  private onMessage(index: number, msg: FromWorker): void {
    const queue = this.waiters[index]!;
    if (msg.type === 'error') {
      const waiter = queue.shift();
      if (waiter) {
        const detail = this.followerError ?? msg.message;
        waiter.reject(new FlopmeterError(`CPU worker ${msg.index}: ${detail}`));
      } else {
        this.followerError = `worker ${msg.index}: ${msg.message}`;
      }
      return;
    }
    const at = queue.findIndex((w) => w.type === msg.type);
    if (at >= 0) queue.splice(at, 1)[0]!.resolve(msg);
  }

  private fail(err: Error): void {
    if (this.broken) return;
    this.broken = err;
    for (const queue of this.waiters) for (const w of queue.splice(0)) w.reject(err);
  }
}
