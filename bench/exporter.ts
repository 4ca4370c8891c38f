/**
 * `npm run bench:exporter`: flopmeter's exporter under scrape load, against
 * references under the same load on the same machine in the same run:
 *   - Debian's prometheus-node-exporter serving its own metrics (what an
 *     exporter's scrape costs elsewhere);
 *   - a bare Node.js HTTP server returning a fixed body of the same size (the
 *     floor for any Node.js server on this machine: what is left is ours).
 *
 * flopmeter's exporter runs in its own process (bench/exporter-host.ts) with a
 * fake NVML of 8 GPUs (tests/fixtures/fake-nvml.c, built here with gcc and
 * loaded by the real FFI code) sampled at 20 Hz, and probe results loaded (so
 * scrapes carry result families and latency histograms). 200 connections each
 * scrape /metrics once a second for 30 s after a 3 s warm-up, in two shapes
 * (bench/scrape-load.ts): aligned (a burst of 200 every second) and spread.
 * Reported: scrape latency percentiles (every response), failed scrapes, the
 * exporter's event-loop delay, CPU (share of a core, per scrape) and memory
 * (RSS, peak RSS) from /proc.
 * Options: `--help`; BENCH_HOST_NODE_FLAGS passes Node.js flags (e.g.
 * --cpu-prof) to the exporter's process.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { packageRoot } from '../src/core/paths.js';
import { formatSI } from '../src/core/units.js';
import { benchArgs, wholeNumber } from './args.js';
import { printGoals, type Goal } from './reference.js';
import { scrapeLoad, type LoadResult, type LoadShape } from './scrape-load.js';

const USAGE = `npm run bench:exporter -- [options]: the exporter under scrape load against Debian's node exporter and a bare
Node.js server under the same load.

  --seconds N      measured seconds per load shape (default 30)
  --rate N         scrapes per second (default 200)
  --connections N  concurrent connections (default 200)
  --devices N      GPUs of the fake NVML (default 8)
  --out FILE       also write the figures as JSON
  --help           this text`;

const values = benchArgs(USAGE, { seconds: { type: 'string' }, rate: { type: 'string' }, connections: { type: 'string' }, devices: { type: 'string' }, out: { type: 'string' } });
const SECONDS = wholeNumber('seconds', values.seconds, 30, USAGE);
const RATE = wholeNumber('rate', values.rate, 200, USAGE);
const CONNECTIONS = wholeNumber('connections', values.connections, 200, USAGE);
const DEVICES = wholeNumber('devices', values.devices, 8, USAGE);
/** Warm-up under the same load before measuring: JIT, connection set-up, first renders. */
const WARMUP_SECONDS = 3;
const SHAPES: LoadShape[] = ['aligned', 'spread'];

interface ProcessUsage {
  cpuSeconds: number;
  rssBytes: number;
  peakRssBytes: number;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU time (all threads) and memory of a process, from /proc. */
function usage(pid: number): ProcessUsage {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // utime and stime, fields 14 and 15 of /proc/PID/stat: the 12th and 13th after the command name.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLK_TCK, rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Line-by-line replies from a child's stdout. */
class Lines {
  private readonly rl: Interface;
  private readonly waiting: Array<(line: string) => void> = [];
  private readonly buffered: string[] = [];
  constructor(child: ChildProcess) {
    this.rl = createInterface({ input: child.stdout! });
    this.rl.on('line', (l) => (this.waiting.length ? this.waiting.shift()!(l) : this.buffered.push(l)));
  }
  next(): Promise<string> {
    const l = this.buffered.shift();
    return l !== undefined ? Promise.resolve(l) : new Promise((r) => this.waiting.push(r));
  }
}

interface Target {
  name: string;
  url: string;
  child: ChildProcess;
  /** flopmeter's exporter only: its event-loop monitor. */
  lines?: Lines;
}

interface Measured {
  load: LoadResult;
  cpuCoreShare: number;
  cpuSecondsPerScrape: number;
  memory: ProcessUsage;
  eventLoop?: { p50: number; p99: number; max: number; samples: number };
  samplerReadsPerSecond?: number;
}

async function samplerReads(url: string): Promise<number> {
  const body = await (await fetch(url)).text();
  return Number(/^flopmeter_sampler_reads_total\{sampler="nvml"\} (\S+)$/m.exec(body)?.[1] ?? NaN);
}

async function measure(t: Target, shape: LoadShape): Promise<Measured> {
  let before: ProcessUsage | null = null;
  let t0 = 0;
  const readsBefore = t.lines ? await samplerReads(t.url) : 0;
  const load = await scrapeLoad({
    url: t.url,
    shape,
    connections: CONNECTIONS,
    rate: RATE,
    warmupSeconds: WARMUP_SECONDS,
    seconds: SECONDS,
    onMeasureStart: () => {
      before = usage(t.child.pid!);
      t0 = performance.now();
      t.child.stdin?.write('reset\n');
    },
  });
  const after = usage(t.child.pid!);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = after.cpuSeconds - before!.cpuSeconds;
  const out: Measured = { load, cpuCoreShare: cpu / elapsed, cpuSecondsPerScrape: cpu / Math.max(1, load.scrapes), memory: after };
  if (t.lines) {
    await t.lines.next(); // the reply to "reset"
    out.samplerReadsPerSecond = ((await samplerReads(t.url)) - readsBefore) / (SECONDS + WARMUP_SECONDS);
    t.child.stdin!.write('report\n');
    out.eventLoop = (JSON.parse(await t.lines.next()) as { eventLoopDelaySeconds: Measured['eventLoop'] }).eventLoopDelaySeconds;
  }
  return out;
}

async function waitForUrl(url: string, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer within 10 s`);
}

async function startFlopmeter(dir: string): Promise<Target> {
  const lib = join(dir, 'libnvidia-ml.so.1');
  execFileSync('gcc', ['-shared', '-fPIC', '-O1', '-o', lib, join(packageRoot(), 'tests', 'fixtures', 'fake-nvml.c'), '-lm']);
  const flags = process.env.BENCH_HOST_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...flags, join(packageRoot(), 'dist', 'bench', 'exporter-host.js')], {
    env: { ...process.env, FLOPMETER_NVML: lib, FAKE_NVML_DEVICES: String(DEVICES), BENCH_SAMPLE_HZ: '20' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = new Lines(child);
  const first = await lines.next();
  const base = /^listening (\S+)$/.exec(first)?.[1];
  if (!base) throw new Error(`the exporter did not start: ${first}`);
  const probe = await fetch(`${base}/probe?probe=launch-latency,reduce&backend=cpu&param=${encodeURIComponent('reduce.n=2^20')}`);
  const probeBody = await probe.text();
  if (!/^probe_success 1$/m.test(probeBody)) throw new Error(`loading probe results failed: ${probe.status} ${probeBody.slice(0, 500)}`);
  return { name: 'flopmeter serve', url: `${base}/metrics`, child, lines };
}

async function startNodeExporter(): Promise<Target> {
  const port = await freePort();
  const child = spawn('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/metrics`;
  await waitForUrl(url, child, 'prometheus-node-exporter');
  return { name: 'prometheus-node-exporter', url, child };
}

/** A bare node:http server answering every request with `body` (gzip-encoded, as flopmeter's answer was). */
async function startBareNode(bodyFile: string): Promise<Target> {
  const port = await freePort();
  const script = `const b=require('fs').readFileSync(${JSON.stringify(bodyFile)});require('http').createServer((q,s)=>{s.writeHead(200,{'Content-Type':'application/openmetrics-text; version=1.0.0; charset=utf-8','Content-Encoding':'gzip','Content-Length':String(b.length)});s.end(b)}).listen(${port},'127.0.0.1')`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/metrics`;
  await waitForUrl(url, child, 'the bare Node.js server');
  return { name: 'bare node:http, fixed body', url, child };
}

const ms = (s: number | undefined): string => (s === undefined ? '—' : (s * 1e3).toFixed(2));

function describe(name: string, m: Measured): string {
  const l = m.load.latency;
  return [
    `  ${name}: ${m.load.scrapes} scrapes counted, ${m.load.failed} failed; ${formatSI(m.load.bytesPerResponse, 'B')} per response`,
    `    latency ms: p50 ${ms(l?.p50)}, p90 ${ms(l?.p90)}, p99 ${ms(l?.p99)}, p99.9 ${ms(l?.p999)}, max ${ms(l?.max)}`,
    `    CPU ${(m.cpuCoreShare * 100).toFixed(1)} % of a core, ${(m.cpuSecondsPerScrape * 1e6).toFixed(0)} µs per scrape; RSS ${formatSI(m.memory.rssBytes, 'B')} (peak ${formatSI(m.memory.peakRssBytes, 'B')})`,
    ...(m.eventLoop ? [`    event-loop delay ms: p50 ${ms(m.eventLoop.p50)}, p99 ${ms(m.eventLoop.p99)}, max ${ms(m.eventLoop.max)}; NVML sampler ${m.samplerReadsPerSecond?.toFixed(1)} reads/s`] : []),
  ].join('\n');
}

function goals(results: Record<string, Record<LoadShape, Measured | null>>, errors: Record<string, string>): Goal[] {
  const out: Goal[] = [];
  const fm = results['flopmeter serve']!;
  const ne = results['prometheus-node-exporter'];
  const bare = results['bare node:http, fixed body'];
  for (const shape of SHAPES) {
    const m = fm[shape]!;
    const p99 = m.load.latency?.p99 ?? Infinity;
    const neM = ne?.[shape];
    const bareM = bare?.[shape];
    out.push({ name: `scrape p99, ${shape} (flopmeter / node-exporter)`, ratio: neM?.load.latency ? p99 / neM.load.latency.p99 : null, target: '< 10 ms', met: p99 < 0.01, detail: `${ms(p99)} ms vs ${neM?.load.latency ? `${ms(neM.load.latency.p99)} ms (${neM.load.failed} failed)` : errors['prometheus-node-exporter'] ?? '—'}` });
    out.push({ name: `scrape p99, ${shape} (flopmeter / bare node:http)`, ratio: bareM?.load.latency ? p99 / bareM.load.latency.p99 : null, target: 'report', met: null, detail: `${ms(p99)} ms vs ${bareM?.load.latency ? `${ms(bareM.load.latency.p99)} ms` : '—'}: the platform floor` });
    out.push({ name: `failed scrapes, ${shape}`, ratio: m.load.failed / Math.max(1, m.load.scrapes), target: '0', met: m.load.failed === 0, detail: `${m.load.failed} of ${m.load.scrapes} counted` });
    out.push({ name: `event-loop delay p99, ${shape}, sampler at 20 Hz`, ratio: m.eventLoop ? m.eventLoop.p99 / 0.005 : null, target: '< 5 ms', met: m.eventLoop ? m.eventLoop.p99 < 0.005 : null, detail: `${ms(m.eventLoop?.p99)} ms (ratio against the 5 ms goal); NVML ${m.samplerReadsPerSecond?.toFixed(1)} reads/s` });
  }
  const m = fm.aligned!;
  const neM = ne?.aligned;
  out.push({ name: 'CPU per scrape, aligned (flopmeter / node-exporter)', ratio: neM ? m.cpuSecondsPerScrape / neM.cpuSecondsPerScrape : null, target: 'report', met: null, detail: `${(m.cpuSecondsPerScrape * 1e6).toFixed(0)} µs vs ${neM ? (neM.cpuSecondsPerScrape * 1e6).toFixed(0) : '—'} µs; ${(m.cpuCoreShare * 100).toFixed(1)} % vs ${neM ? (neM.cpuCoreShare * 100).toFixed(1) : '—'} % of a core` });
  out.push({ name: 'peak memory (flopmeter / node-exporter)', ratio: neM ? m.memory.peakRssBytes / neM.memory.peakRssBytes : null, target: 'report', met: null, detail: `${formatSI(m.memory.peakRssBytes, 'B')} vs ${neM ? formatSI(neM.memory.peakRssBytes, 'B') : '—'} RSS` });
  return out;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flopmeter-bench-exporter-'));
  const children: ChildProcess[] = [];
  const results: Record<string, Record<LoadShape, Measured | null>> = {};
  const errors: Record<string, string> = {};
  try {
    console.error(`flopmeter bench:exporter — ${CONNECTIONS} connections, ${RATE} scrapes/s, ${SECONDS} s per shape after a ${WARMUP_SECONDS} s warm-up; ${DEVICES} fake GPUs sampled at 20 Hz`);
    const fm = await startFlopmeter(dir);
    children.push(fm.child);
    const res = await fetch(fm.url, { headers: { 'Accept-Encoding': 'gzip' } });
    const exposition = await res.text();
    const gpus = new Set([...exposition.matchAll(/flopmeter_device_power_watts\{device="(nvidia:[^"]+)"/g)].map((m) => m[1]));
    if (gpus.size !== DEVICES) throw new Error(`expected ${DEVICES} GPUs in the exposition, found ${gpus.size}`);
    console.error(`flopmeter exporter: ${exposition.split('\n').filter((l) => l && !l.startsWith('#')).length} series (${gpus.size} GPUs, 2 probe results)`);
    const bodyFile = join(dir, 'body.gz');
    writeFileSync(bodyFile, execFileSync('curl', ['-s', '-H', 'Accept-Encoding: gzip', '-H', 'Accept: application/openmetrics-text;version=1.0.0', fm.url]));

    const starters: Array<[string, () => Promise<Target>]> = [
      ['flopmeter serve', async () => fm],
      ['prometheus-node-exporter', startNodeExporter],
      ['bare node:http, fixed body', () => startBareNode(bodyFile)],
    ];
    for (const [name, start] of starters) {
      let t: Target;
      try {
        t = await start();
      } catch (err) {
        errors[name] = String(err);
        console.error(`${name}: not measured: ${errors[name]}`);
        continue;
      }
      if (t !== fm) children.push(t.child);
      results[name] = { aligned: null, spread: null };
      for (const shape of SHAPES) {
        const m = await measure(t, shape);
        results[name]![shape] = m;
        console.error(describe(`${name}, ${shape}`, m));
      }
      if (t.lines) {
        t.child.stdin!.write('stop\n');
        await new Promise((resolve) => {
          t.child.once('exit', resolve);
          setTimeout(resolve, 5000);
        });
      } else t.child.kill('SIGTERM');
    }
    const g = goals(results, errors);
    printGoals(g);
    if (values.out) writeFileSync(values.out, `${JSON.stringify({ settings: { seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, rate: RATE, connections: CONNECTIONS, devices: DEVICES }, results, errors, goals: g }, null, 2)}\n`);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
