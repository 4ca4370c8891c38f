/**
 * The real Prometheus components the exporter tests use (Debian's prometheus,
 * prometheus-pushgateway and prometheus-node-exporter, installed by setup.sh):
 * promtool's exposition linter, and servers started on free loopback ports.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { BIN } from '../helpers.js';

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** `promtool check metrics` on an exposition: its exit status and complaints. */
export function promtoolCheck(exposition: string): { code: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls until `probe` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface Daemon {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** A child process with its output collected, and a way to stop it with SIGTERM. */
function launch(command: string, args: string[], env?: Record<string, string>): Omit<Daemon, 'url'> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('close', () => resolve());
      child.kill('SIGTERM');
    });
  return { process: child, output: () => out, stop };
}

/** A `flopmeter serve` process; `instance` is its host:port, as Prometheus labels it. */
export interface ServeDaemon extends Daemon {
  instance: string;
}

/** Starts the built `flopmeter serve` on a free loopback port and waits for it to say where it listens. */
export async function startServe(args: string[], env: Record<string, string> = {}): Promise<ServeDaemon> {
  const d = launch(process.execPath, [BIN, 'serve', '--listen', '127.0.0.1:0', ...args], env);
  try {
    const url = await waitFor('flopmeter serve to listen', async () => {
      if (d.process.exitCode !== null) throw new Error(`flopmeter serve exited ${d.process.exitCode}: ${d.output()}`);
      return /flopmeter exporter on (https?:\/\/[^\s]+)/.exec(d.output())?.[1];
    });
    return { url, instance: url.replace(/^https?:\/\//, ''), ...d };
  } catch (err) {
    await d.stop();
    throw err;
  }
}

/** Starts a server process and waits until `readyPath` on its port answers 200. */
export async function startDaemon(command: string, args: string[], port: number, readyPath: string): Promise<Daemon> {
  const { process: child, output, stop } = launch(command, args);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${command} on ${url}`, async () => {
      if (child.exitCode !== null) throw new Error(`${command} exited: ${output().slice(-2000)}`);
      const r = await fetch(`${url}${readyPath}`);
      return r.ok ? true : undefined;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, process: child, output, stop };
}
