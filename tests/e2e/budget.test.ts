/**
 * Runs planned to a time budget, end to end on the built CLI: the default
 * run (no options) keeps to its 5 minutes while covering every available
 * backend and probe family, the plan comes first, and a line per finished
 * result reaches stderr when it is not a terminal.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectValidReport, removeDir, runCli, tempDir } from '../helpers.js';
import { PROBES } from '../../probes/index.js';

const dir = tempDir('budget-');
afterAll(() => removeDir(dir));

/** "cpu0/gemm/dtype=f32,n=256" → "cpu0/gemm". */
const family = (id: string): string => id.split('/').slice(0, 2).join('/');

/** Every probe family each listed device's backend has a kernel for (model probes: tfjs-cpu or tfjs-webgpu always load). */
async function expectedFamilies(): Promise<Set<string>> {
  const listed = JSON.parse((await runCli(['devices', '--json'])).stdout) as { devices: Array<{ id: string; backend: string }> };
  return new Set(listed.devices.flatMap((d) => PROBES.filter((p) => d.backend in p.impl).map((p) => `${d.id}/${p.id}`)));
}

/** stderr without Dawn's own start-up warnings (printed by the native library when it opens lavapipe). */
const ours = (stderr: string): string => stderr.replace(/^Warning: .*artificially reduced.*\n/gm, '');

/** The result ids a plan printout lists. */
const plannedIds = (stderr: string): string[] => [...stderr.matchAll(/^ {2}(\S+) {2}~/gm)].map((m) => m[1]!);

describe('run planned to a time budget (the built CLI)', () => {
  it('prints the default run’s plan, every backend and probe family in 5 minutes, and stops there with --dry-run', async () => {
    const out = join(dir, 'never.json');
    const r = await runCli(['run', '--dry-run', '-o', out]);
    expect(r.code).toBe(0);
    expect(ours(r.stderr)).toMatch(/^plan: \d+ results on \d+ devices?, ~\d m \d\d s of a 5 m 00 s budget \((quick|standard|full) sizes and procedure; ~[\d.]+ s of measuring each\)\n/);
    expect(new Set(plannedIds(r.stderr).map(family))).toEqual(await expectedFamilies());
    expect(existsSync(out)).toBe(false);
  });

  it('plans a larger budget with more results or more measuring each', async () => {
    const small = await runCli(['run', '--dry-run', '--budget', '2m']);
    const large = await runCli(['run', '--dry-run', '--budget', '1h']);
    const each = (s: string): number => Number(/~([\d.]+) s of measuring each/.exec(s)?.[1] ?? /~(\d+) m (\d\d) s of measuring each/.exec(s)?.slice(1).reduce((a, b) => a * 60 + Number(b), 0));
    expect(large.stderr).toMatch(/of a 1 h|of a 60 m 00 s budget/);
    expect(each(large.stderr) > each(small.stderr) || plannedIds(large.stderr).length > plannedIds(small.stderr).length).toBe(true);
  });

  it('refuses a budget beside options that set the windows or caps, and a malformed duration', async () => {
    const both = await runCli(['run', '--budget', '5m', '--windows', '4']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--budget plans each result's windows and time cap itself; drop --windows or the budget/);
    const bad = await runCli(['run', '--budget', '5 minutes']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--budget "5 minutes": must be a positive duration/);
  });

  it(
    'the default run: done within 15 % of its 5 minutes, every family measured, a line per result on stderr',
    async () => {
      const out = join(dir, 'default.json');
      const r = await runCli(['-o', out], { timeoutMs: 420_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(Math.abs(r.seconds / 300 - 1)).toBeLessThanOrEqual(0.15);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      expectValidReport(report);
      expect(report.config.budget.budgetSeconds).toBe(300);
      const measured = report.results.filter((x: { status: string }) => x.status === 'completed');
      expect(new Set(measured.map((x: { id: string }) => family(x.id)))).toEqual(await expectedFamilies());
      // The plan first, then one line per result, numbered.
      const lines = ours(r.stderr).split('\n');
      expect(lines[0]).toMatch(/^plan: /);
      expect(lines.filter((l) => /^\[\d+\/\d+\] \S+: /.test(l))).toHaveLength(report.results.length);
    },
    450_000,
  );
});
