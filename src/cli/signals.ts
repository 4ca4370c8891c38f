/**
 * Stop signals for the CLI: SIGINT (Ctrl-C), SIGTERM (a service manager,
 * `kill`) and SIGHUP (a closed terminal or SSH session) all stop a run the
 * same way — the current step finishes, finished results are kept and the
 * partial report is written. A second signal quits at once. The process then
 * exits with 128 + the signal's number, as a shell reports a process killed
 * by that signal (130, 143, 129). Imports only Node built-ins, so that it can
 * be installed before the rest of the CLI loads.
 */
import { constants } from 'node:os';

/** The signals that stop a run gracefully. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** 128 + the signal's number: SIGINT 130, SIGTERM 143, SIGHUP 129. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/** Error codes of a stream whose reader went away (a closed pipe, a hung-up terminal). */
const READER_GONE = new Set(['EPIPE', 'EIO', 'ECONNRESET']);

export class Interrupts {
  private readonly controller = new AbortController();
  private received: StopSignal | null = null;
  /** What the first signal does, told to the user; a command may set its own. */
  message = 'finishing the current step and writing the partial report';

  constructor(
    private readonly stderr: NodeJS.WritableStream,
    /** Ends the process at once with this code (on a second signal). */
    private readonly quit: (code: number) => void,
  ) {}

  /** Aborted by the first stop signal. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The first stop signal received, if any. */
  get first(): StopSignal | null {
    return this.received;
  }

  install(): void {
    for (const s of STOP_SIGNALS) process.on(s, this.onSignal);
  }

  uninstall(): void {
    for (const s of STOP_SIGNALS) process.off(s, this.onSignal);
  }

  private readonly onSignal = (signal: StopSignal): void => {
    if (this.received) return this.quit(signalExitCode(signal));
    this.received = signal;
    const again = signal === 'SIGINT' ? 'press Ctrl-C again' : `send ${signal} again`;
    this.stderr.write(`\ninterrupted (${signal}): ${this.message} (${again} to quit at once)\n`);
    this.controller.abort();
  };
}

/**
 * Keeps the process going when stdout or stderr can no longer be written
 * (a terminal closed with SIGHUP, `| head`): what is left to do — writing
 * the report file — must still happen. Without a listener such an error
 * would end the process.
 */
export function tolerateGoneReaders(...streams: NodeJS.WritableStream[]): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (!READER_GONE.has(err.code ?? '')) throw err;
    });
  }
}
