/**
 * Runs the measured command as a child process with its two work channels:
 * an inherited pipe named by FLOPMETER_WORK_FD and a FIFO named by
 * FLOPMETER_WORK_FILE, both read into one WorkLog. Its stderr is passed
 * through and its tail kept; a stop request is forwarded to it as SIGINT.
 */
import { spawn, execFileSync } from 'node:child_process';
import { constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { monotonicNs, sleep } from '../../core/clock.js';
import { UsageError, describeError } from '../../core/errors.js';
import { WorkLineReader, type WorkLog } from './work-lines.js';

/** The descriptor number the work pipe has in the child (after stdin, stdout, stderr). */
export const WORK_FD = 3;
/** Bytes of the command's stderr kept for the result. Why: the last lines say why a program failed; more bloats the report. */
const STDERR_TAIL_BYTES = 2000;
/**
 * After the command exits, the FIFO is read until it has been quiet this long, seconds. Why: its last lines are
 * already in the kernel's buffer and arrive within an event-loop turn or two; 50 ms is ample and unnoticeable.
 */
const FIFO_QUIET_SECONDS = 0.05;
/** ... and the pipes (and FIFO) never longer than this after it exits, seconds. Why: something it started that still holds them open must not hold up the report. */
const FIFO_DRAIN_MAX_SECONDS = 2;

/** How the command ended. */
export interface ChildExit {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: string | null;
  /** Monotonic ns when it was started and when it ended. */
  startNs: number;
  endNs: number;
  /** The last bytes of its stderr. */
  stderrTail: string;
  /** Whether it was asked to stop (SIGINT forwarded). */
  interrupted: boolean;
}

export interface ChildOptions {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Where the command's stderr is passed through to. */
  stderr: NodeJS.WritableStream;
  /** Aborted: SIGINT is forwarded to the command. */
  signal: AbortSignal;
  /** Send the command's stdout to flopmeter's stderr (when flopmeter's stdout carries the report). */
  stdoutToStderr?: boolean;
}

/** Keeps the last `max` bytes written. */
class Tail {
  private text = '';
  constructor(private readonly max: number) {}
  add(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-this.max);
  }
  toString(): string {
    return this.text;
  }
}

/** A FIFO in a fresh temporary folder, opened for reading (and writing, so that it never reports end-of-file). */
function openFifo(): { path: string; socket: Socket; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'flopmeter-work-'));
  const path = join(dir, 'work.fifo');
  try {
    execFileSync('mkfifo', ['-m', '600', path]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new UsageError(`could not create the work FIFO (mkfifo): ${describeError(err)}`);
  }
  // O_RDWR: opening never waits for a writer, and the command's closing it is not the end of the stream.
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  const socket = new Socket({ fd, readable: true, writable: false });
  return { path, socket, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resolves once `stream` has had no data for FIFO_QUIET_SECONDS (at most FIFO_DRAIN_MAX_SECONDS). */
async function drained(stream: Readable): Promise<void> {
  let last = monotonicNs();
  const onData = (): void => void (last = monotonicNs());
  stream.on('data', onData);
  const until = last + FIFO_DRAIN_MAX_SECONDS * 1e9;
  while ((monotonicNs() - last) / 1e9 < FIFO_QUIET_SECONDS && monotonicNs() < until) await sleep(FIFO_QUIET_SECONDS / 2);
  stream.off('data', onData);
}

/** Runs the command to its end, filling `log` from its work lines. Throws UsageError when it cannot be started. */
export async function runChild(opts: ChildOptions, log: WorkLog): Promise<ChildExit> {
  // One reader per channel: lines written on both are never mixed.
  const [fromFd, fromFifo] = [new WorkLineReader(log), new WorkLineReader(log)];
  const fifo = openFifo();
  fifo.socket.on('data', (d: Buffer) => fromFifo.push(d));
  const tail = new Tail(STDERR_TAIL_BYTES);
  const env = { ...opts.env, FLOPMETER_WORK_FD: String(WORK_FD), FLOPMETER_WORK_FILE: fifo.path };
  const startNs = monotonicNs();
  const child = spawn(opts.command, [...opts.args], { env, stdio: ['inherit', opts.stdoutToStderr ? 2 : 'inherit', 'pipe', 'pipe'] });
  let interrupted = false;
  const forward = (): void => {
    interrupted = true;
    child.kill('SIGINT');
  };
  opts.signal.addEventListener('abort', forward, { once: true });
  child.stderr!.on('data', (d: Buffer) => {
    tail.add(d);
    opts.stderr.write(d);
  });
  const work = child.stdio[WORK_FD] as Readable;
  work.on('data', (d: Buffer) => fromFd.push(d));
  try {
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
      child.once('error', (err) => reject(new UsageError(`could not start ${opts.command}: ${describeError(err)}`)));
      child.once('exit', (c, s) => resolve({ code: c, signal: s }));
    });
    const endNs = monotonicNs();
    // Its pipes end with it, unless something it started still holds them (a server left running): not waited for long.
    await Promise.race([closed, sleep(FIFO_DRAIN_MAX_SECONDS)]);
    await drained(fifo.socket);
    fromFd.end();
    fromFifo.end();
    return { code, signal, startNs, endNs, stderrTail: tail.toString(), interrupted };
  } finally {
    opts.signal.removeEventListener('abort', forward);
    child.stderr?.destroy();
    work.destroy();
    fifo.socket.destroy();
    fifo.remove();
  }
}
