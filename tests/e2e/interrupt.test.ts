/**
 * Interruptions, as a user causes them, on the built CLI: Ctrl-C at a
 * terminal, SIGTERM and SIGHUP sent to the process, a terminal closed under
 * it; and an internal error. Each keeps what was finished and exits with a
 * code that says what happened.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, expectValidReport, removeDir, runInTerminal, tempDir, type Terminal } from '../helpers.js';
import { spawnSync } from 'node:child_process';

const dir = tempDir('interrupt-');
afterAll(() => removeDir(dir));

/**
 * Two quick results, each in one stretch: the second is still measuring when the signal comes. (Interleaved, which
 * result ends first depends on the round's order; tests/measure/suite.test.ts covers an interrupted interleaved run.)
 */
function twoResults(out: string): string[] {
  return ['run', '-b', 'cpu', '-p', 'stream,launch-latency', '--preset', 'quick', '--param', 'stream.op=copy', '--param', 'stream.n=2^18', '--windows', '15', '--no-interleave', '--no-telemetry', '-o', out];
}

function readReport(path: string): { status: string; results: Array<{ status: string; reason: string | null; check: unknown }> } {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  expectValidReport(report);
  return report;
}

/** Runs under a terminal and acts once, when `when` shows in the output. */
async function actWhen(args: string[], when: string, act: (t: Terminal) => void): Promise<{ code: number | null; output: string; acted: boolean }> {
  let acted = false;
  const r = await runInTerminal(args, (output, terminal) => {
    if (!acted && output.includes(when)) {
      acted = true;
      act(terminal);
    }
  });
  return { ...r, acted };
}

describe('interruptions', () => {
  it('Ctrl-C during the setup of a slow result records it aborted, never invalid', async () => {
    const out = join(dir, 'setup.json');
    // A small result, then a large one: seconds of seeded inputs and reference, during which the interrupt lands.
    const args = ['run', '-b', 'cpu', '-p', 'stream', '--preset', 'quick', '--param', 'stream.op=copy', '--param', 'stream.n=2^16,2^23', '--windows', '2', '--no-interleave', '--no-telemetry', '-o', out];
    const r = await actWhen(args, 'n=8388608 · setup', (t) => t.type('\x03'));
    expect(r.acted).toBe(true);
    expect(r.code).toBe(130);
    const report = readReport(out);
    expect(report.results.map((x) => [x.status, x.reason, x.check])).toEqual([
      ['completed', null, expect.objectContaining({ passed: true })],
      ['aborted', 'interrupted before the result was complete', null],
    ]);
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129], ['SIGINT', 130]] as const) {
    it(`${signal} sent to the process: finished results kept, the partial report written, exit ${code}`, async () => {
      const out = join(dir, `${signal}.json`);
      const r = await actWhen(twoResults(out), '[2/2]', (t) => setTimeout(() => t.kill(signal), 300));
      expect(r.acted).toBe(true);
      expect(r.output).toContain(`interrupted (${signal})`);
      expect(r.code).toBe(code);
      const report = readReport(out);
      expect(report.status).toBe('interrupted');
      expect(report.results.map((x) => x.status)).toEqual(['completed', 'aborted']);
    });
  }

  it('a closed terminal (SIGHUP, nothing left to print to) still writes the partial report', async () => {
    const out = join(dir, 'hangup.json');
    const r = await actWhen(twoResults(out), '[2/2]', (t) => setTimeout(() => t.hangUp(), 300));
    expect(r.acted).toBe(true);
    // The CLI outlives its terminal: wait for the report (renamed into place whole).
    for (let i = 0; i < 100 && !existsSync(out); i++) await sleep(200);
    const report = readReport(out);
    expect(report.status).toBe('interrupted');
    expect(report.results.map((x) => x.status)).toEqual(['completed', 'aborted']);
  });

  it('an interrupt before any result: one line says nothing was measured; an earlier report at --out is kept', async () => {
    const out = join(dir, 'kept.json');
    writeFileSync(out, 'an earlier report');
    const r = await actWhen(twoResults(out), '[0/2]', (t) => t.kill('SIGTERM'));
    expect(r.acted).toBe(true);
    expect(r.code).toBe(143);
    expect(r.output).toContain('interrupted before any result was measured: nothing to report (no report written)');
    expect(readFileSync(out, 'utf8')).toBe('an earlier report');
  });

  it('an unexpected exception (the current directory deleted under it) exits 70 and says it is an internal error', () => {
    const gone = tempDir('gone-');
    const r = spawnSync('sh', ['-c', `cd "${gone}" && rmdir "${gone}" && exec "${process.execPath}" "${BIN}" run -b cpu -p launch-latency`], { encoding: 'utf8' });
    expect(r.status).toBe(70);
    expect(r.stderr).toMatch(/^flopmeter: internal error \(a bug in flopmeter, not in what it measured; please report it\): ENOENT/m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace unless FLOPMETER_DEBUG
  });
});
