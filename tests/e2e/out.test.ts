/**
 * --out never destroys what it points at (the built CLI, spawned): a symlink
 * is followed and kept, a FIFO or character device is written in place, and
 * a socket or read-only file is refused before anything runs. Device nodes
 * and FIFOs are made with mknod inside a temporary folder, never in /dev.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidReport, removeDir, runCli, tempDir } from '../helpers.js';

const dir = tempDir('out-');
let report = '';
const servers: Server[] = [];
afterAll(() => {
  servers.forEach((s) => s.close());
  removeDir(dir);
});

/** One result on the CPU, seconds. */
const QUICK = ['run', '-b', 'cpu', '-p', 'launch-latency', '--preset', 'quick', '--windows', '2', '--no-telemetry', '--no-progress'];

function mknod(name: string, ...kind: string[]): string {
  const path = join(dir, name);
  const r = spawnSync('mknod', [path, ...kind]);
  if (r.status !== 0) throw new Error(`mknod ${path} ${kind.join(' ')}: ${r.stderr}`);
  return path;
}

function kindOf(path: string): string {
  const st = lstatSync(path);
  return st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? 'char' : st.isSocket() ? 'socket' : st.isFile() ? 'file' : 'other';
}

beforeAll(async () => {
  report = join(dir, 'base.json');
  const r = await runCli([...QUICK, '-o', report]);
  expect(r.code).toBe(0);
});

describe('--out never destroys what it points at', () => {
  it('run -o a symlink: the target is replaced atomically, the link stays; the file keeps its mode', async () => {
    const target = join(dir, 'target.json');
    writeFileSync(target, 'old');
    chmodSync(target, 0o640);
    const link = join(dir, 'link.json');
    symlinkSync('target.json', link);
    const r = await runCli([...QUICK, '-o', link]);
    expect(r.code).toBe(0);
    expect(kindOf(link)).toBe('symlink');
    expectValidReport(JSON.parse(readFileSync(target, 'utf8')));
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('run -o a FIFO: the report is streamed into it, and it stays a FIFO', async () => {
    const fifo = mknod('report.fifo', 'p');
    const reader = spawnReader(fifo);
    const r = await runCli([...QUICK, '-o', fifo]);
    expect(r.code).toBe(0);
    expectValidReport(JSON.parse(await reader));
    expect(kindOf(fifo)).toBe('fifo');
  });

  it('run -o a character device: written in place (null), a write error reported (full); the device node stays', async () => {
    const devNull = mknod('null', 'c', '1', '3');
    const ok = await runCli([...QUICK, '-o', devNull]);
    expect(ok.code).toBe(0);
    expect(kindOf(devNull)).toBe('char');
    const full = mknod('full', 'c', '1', '7');
    const r = await runCli([...QUICK, '-o', full]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--out ${full}: cannot write: ENOSPC`);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(kindOf(full)).toBe('char');
  });

  it('run -o a socket or a read-only file: refused before anything runs, exit 2, naming it; both left as they were', async () => {
    const sock = join(dir, 'report.sock');
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    const s = await runCli([...QUICK, '-o', sock]);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain(`--out ${sock}: is a socket`);
    expect(kindOf(sock)).toBe('socket');
    const readOnly = join(dir, 'kept.json');
    writeFileSync(readOnly, 'keep me');
    chmodSync(readOnly, 0o444);
    const r = await runCli([...QUICK, '-o', readOnly]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${readOnly}: is read-only (mode 0444)`);
    expect(readFileSync(readOnly, 'utf8')).toBe('keep me');
    expect(r.seconds).toBeLessThan(10); // refused before measuring
  });

  it('report -o and compare -o: a symlink kept, a device node written in place, a read-only file refused', async () => {
    const target = join(dir, 'page.md');
    writeFileSync(target, 'old');
    const link = join(dir, 'page-link.md');
    symlinkSync(target, link);
    expect((await runCli(['report', report, '-o', link])).code).toBe(0);
    expect(kindOf(link)).toBe('symlink');
    expect(readFileSync(target, 'utf8')).toMatch(/launch-latency/);
    const devNull = mknod('null2', 'c', '1', '3');
    expect((await runCli(['compare', report, report, '-f', 'md', '-o', devNull])).code).toBe(0);
    expect(kindOf(devNull)).toBe('char');
    const readOnly = join(dir, 'cmp.md');
    writeFileSync(readOnly, 'keep me');
    chmodSync(readOnly, 0o444);
    const r = await runCli(['compare', report, report, '-o', readOnly]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is read-only');
    expect(readFileSync(readOnly, 'utf8')).toBe('keep me');
  });

  it('sign in place: through a symlink the target is signed and the link kept; a read-only report is refused', async () => {
    const key = join(dir, 'lab');
    expect((await runCli(['keygen', '--out', key])).code).toBe(0);
    const target = join(dir, 'signed.json');
    writeFileSync(target, readFileSync(report));
    const link = join(dir, 'signed-link.json');
    symlinkSync(target, link);
    const r = await runCli(['sign', link, '--key', `${key}.key`]);
    expect(r.code).toBe(0);
    expect(kindOf(link)).toBe('symlink');
    expect(JSON.parse(readFileSync(target, 'utf8')).signature.keyId).toMatch(/\S/);
    const readOnly = join(dir, 'ro.json');
    writeFileSync(readOnly, readFileSync(report));
    chmodSync(readOnly, 0o444);
    const before = readFileSync(readOnly, 'utf8');
    const ro = await runCli(['sign', readOnly, '--key', `${key}.key`]);
    expect(ro.code).toBe(2);
    expect(ro.stderr).toContain(`report ${readOnly}: is read-only`);
    expect(readFileSync(readOnly, 'utf8')).toBe(before);
  });
});

/** Reads a FIFO to its end in another process (opening it blocks until a writer comes). */
function spawnReader(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const cat = spawn('cat', [path]);
    let text = '';
    cat.stdout.on('data', (d: Buffer) => (text += d.toString()));
    cat.on('error', reject);
    cat.on('close', () => resolve(text));
  });
}
