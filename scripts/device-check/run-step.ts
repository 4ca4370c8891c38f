/**
 * Runs one step of `npm run device:check` as a child process in its own
 * process group, bounded in time: at its limit the group gets SIGINT (which
 * makes `flopmeter run` keep its finished results and write the partial
 * report, and vitest stop), then SIGKILL after a grace period, so one hang
 * cannot eat the time of the steps after it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';

/** How a step ended. */
export type StepStatus = 'passed' | 'failed' | 'timed out' | 'skipped';

export interface StepOutcome {
  id: string;
  title: string;
  status: StepStatus;
  /** Wall time the step took, seconds. */
  seconds: number;
  /** The time it was given, seconds. */
  limitSeconds: number;
  exitCode: number | null;
  signal: string | null;
  /** One line: what it found or why it failed. */
  detail: string;
}

export interface CommandRun {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  seconds: number;
  /** The last line the command printed (to stderr or the log), for a failure's detail. */
  lastLine: string;
}

/**
 * Seconds between the polite SIGINT and SIGKILL: `flopmeter run` finishes the
 * iteration under way and writes its partial report in ~2 s on this VM, but an
 * emulated or loaded machine can take several times that.
 */
const GRACE_SECONDS = 20;

/** Sends a signal to the child's whole process group (workers, vitest's forks), ignoring one already gone. */
export function signalGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, sig);
  } catch {
    // The group has exited.
  }
}

/**
 * Runs `node argv…` from `cwd`, appending its output to `logFile` (stdout to
 * `stdoutFile` instead, where given), for at
 * most `limitSeconds`. `beside` runs while it does (e.g. scraping a server,
 * then stopping it); the run ends when the process exits.
 */
export function runCommand(
  argv: readonly string[],
  o: { cwd: string; logFile: string; limitSeconds: number; graceSeconds?: number; stdoutFile?: string; env?: NodeJS.ProcessEnv; beside?: (child: ChildProcess) => Promise<void> },
): Promise<CommandRun> {
  const started = performance.now();
  const child = spawn(process.execPath, argv, { cwd: o.cwd, env: o.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const log = (d: Buffer): void => {
    appendFileSync(o.logFile, d);
    // Enough of the end to hold the last line.
    tail = (tail + d.toString()).slice(-4096);
  };
  if (o.stdoutFile) writeFileSync(o.stdoutFile, '');
  child.stdout!.on('data', o.stdoutFile ? (d: Buffer) => appendFileSync(o.stdoutFile!, d) : log);
  child.stderr!.on('data', log);
  let timedOut = false;
  let kill: NodeJS.Timeout | undefined;
  const grace = o.graceSeconds ?? GRACE_SECONDS;
  const limit = setTimeout(() => {
    timedOut = true;
    appendFileSync(o.logFile, `\n[device-check] time limit of ${o.limitSeconds} s reached: SIGINT, then SIGKILL after ${grace} s\n`);
    signalGroup(child, 'SIGINT');
    kill = setTimeout(() => signalGroup(child, 'SIGKILL'), grace * 1000);
  }, o.limitSeconds * 1000);
  const besides = o.beside?.(child).catch((err: unknown) => appendFileSync(o.logFile, `\n[device-check] ${String(err)}\n`));
  return new Promise((resolve) => {
    const finish = (exitCode: number | null, signal: string | null): void => {
      clearTimeout(limit);
      clearTimeout(kill);
      // Whatever the step left in its group (a server's workers) goes with it.
      signalGroup(child, 'SIGKILL');
      void Promise.resolve(besides).then(() => resolve({ exitCode, signal, timedOut, seconds: (performance.now() - started) / 1000, lastLine: lastTellingLine(tail) }));
    };
    child.on('error', (err) => {
      appendFileSync(o.logFile, `\n[device-check] could not start: ${err.message}\n`);
      finish(null, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** Lines that say nothing about what went wrong: stack frames, Node's version banner, a caret, a pointer to --help. */
const NOISE = [/^\s+at /, /^Node\.js v/, /^\s*\^+\s*$/, /^\(see .*--help\)$/, /^[\s⎯─-]*(\[\d+\/\d+\])?[\s⎯─-]*$/];
/** Terminal colour and style sequences (vitest colours its output even into a pipe). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The last line of output that says something (an uncaught error's message rather than its stack). */
export function lastTellingLine(output: string): string {
  return output.replace(ANSI, '').split('\n').filter((l) => !NOISE.some((re) => re.test(l))).pop()?.trim() ?? '';
}

/**
 * The time a step gets: its own cap, but never so much that the steps after
 * it lose their reserved minimum before the deadline.
 */
export function allotSeconds(capSeconds: number, secondsToDeadline: number, reservedAfter: number): number {
  return Math.max(0, Math.min(capSeconds, secondsToDeadline - reservedAfter));
}
