/**
 * The shipped Prometheus alerting rules (dashboards/alerts/flopmeter.rules.yml):
 * promtool accepts them, and tests/dashboards/alerts.test.yml — input series that
 * must and must not fire each alert — passes under `promtool test rules`; the
 * names, labels and label values the rules select are those a real exporter
 * (on the fake GPU stack) exports.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fakeLibraryPath, hasCompiler } from '../fixtures/fakes.js';
import { ROOT, removeDir, requireComponent, tempDir } from '../helpers.js';
import { hasCommand, startServe } from '../exporter/prometheus-tools.js';

const RULES = join(ROOT, 'dashboards', 'alerts', 'flopmeter.rules.yml');
const CASES = join(ROOT, 'tests', 'dashboards', 'alerts.test.yml');

interface Rule { alert?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface Case { alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }

function promtool(...args: string[]): { code: number | null; output: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

const alerts = (): Rule[] =>
  (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules).filter((r) => r.alert);

describe('the alerting rules', () => {
  it('pass `promtool check rules`', (ctx) => {
    requireComponent(ctx, hasCommand('promtool'), 'promtool (Debian package prometheus)');
    const r = promtool('check', 'rules', RULES);
    expect(r.output).toContain('SUCCESS: 8 rules found');
    expect(r.code, r.output).toBe(0);
  });

  it('give every alert a severity, a summary and a description', () => {
    expect(alerts().map((a) => a.alert)).toHaveLength(8);
    for (const a of alerts()) {
      expect(['critical', 'warning'], a.alert).toContain(a.labels?.severity);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
      expect(a.annotations?.description, a.alert).toBeTruthy();
    }
  });

  it('have, for every alert, test cases that fire it and cases that must not', () => {
    const cases = (parse(readFileSync(CASES, 'utf8')) as { tests: Case[] }).tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const { alert } of alerts()) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(mine.some((c) => (c.exp_alerts ?? []).length > 0), `${alert} fires somewhere`).toBe(true);
      expect(mine.some((c) => (c.exp_alerts ?? []).length === 0), `${alert} stays quiet somewhere`).toBe(true);
    }
  });

  it('select series, labels and label values that a real exporter on the fake GPU stack exports', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (gcc) for the fake GPU stack');
    const dir = tempDir();
    const serve = await startServe(['--enable-probe-endpoint', '--backend', 'cuda'], { LD_LIBRARY_PATH: fakeLibraryPath('nvml', 'cuda', 'nvrtc', 'cublas'), FLOPMETER_CACHE_DIR: join(dir, 'cuda') });
    try {
      const params = ['gemm.n=64', 'gemm.dtype=f32'].map((p) => `param=${encodeURIComponent(p)}`).join('&');
      const probe = await (await fetch(`${serve.url}/probe?probe=gemm&backend=cuda&${params}`)).text();
      const metrics = await (await fetch(`${serve.url}/metrics`)).text();
      const names = new Set([...`${probe}\n${metrics}`.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{|\s)/gm)].map((m) => m[1]!));
      const rules = alerts().map((a) => a.expr).join('\n');
      // Series the rules select by a name pattern (efficiency in every unit, with its bound).
      for (const [, pattern] of rules.matchAll(/__name__=~"([^"]+)"/g)) {
        expect([...names].some((n) => new RegExp(`^${pattern}$`).test(n)), pattern).toBe(true);
      }
      for (const name of ['flopmeter_device_energy_joules_total', 'flopmeter_sampler_errors_total', 'flopmeter_device_up', 'flopmeter_device_health_info']) expect(names, name).toContain(name);
      expect(metrics).toMatch(/^flopmeter_device_power_watts\{device="[^"]+",component="device"\}/m);
      const reasons = /reason=~"([^"]+)"/.exec(rules)![1]!.split('|');
      for (const reason of reasons) expect(metrics, reason).toMatch(new RegExp(`^flopmeter_device_throttle_reason_active\\{device="[^"]+",reason="${reason}"\\}`, 'm'));
    } finally {
      await serve.stop();
      removeDir(dir);
    }
  });

  it('pass `promtool test rules` on series that must and must not fire each alert', (ctx) => {
    requireComponent(ctx, hasCommand('promtool'), 'promtool (Debian package prometheus)');
    const r = promtool('test', 'rules', CASES);
    expect(r.output).toContain('SUCCESS');
    expect(r.code, r.output).toBe(0);
  });

  it('fail those tests when a rule is weakened (the cases can catch a wrong rule)', (ctx) => {
    requireComponent(ctx, hasCommand('promtool'), 'promtool (Debian package prometheus)');
    const dir = tempDir();
    mkdirSync(join(dir, 'dashboards', 'alerts'), { recursive: true });
    mkdirSync(join(dir, 'tests', 'dashboards'), { recursive: true });
    const rules = readFileSync(RULES, 'utf8');
    const weakened = rules.replace('> on(instance, job, device) (0.1 *', '> on(instance, job, device) (0.5 *');
    expect(weakened).not.toBe(rules);
    writeFileSync(join(dir, 'dashboards', 'alerts', 'flopmeter.rules.yml'), weakened);
    // Only the energy cases: the 7-day efficiency series make the whole file slow to evaluate.
    const all = parse(readFileSync(CASES, 'utf8')) as { tests: Case[] };
    const energy = all.tests.filter((t) => t.alert_rule_test?.some((c) => c.alertname === 'FlopmeterEnergyCounterMismatch'));
    expect(energy).toHaveLength(1);
    writeFileSync(join(dir, 'tests', 'dashboards', 'alerts.test.yml'), stringify({ ...all, tests: energy }));
    const r = promtool('test', 'rules', join(dir, 'tests', 'dashboards', 'alerts.test.yml'));
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('FlopmeterEnergyCounterMismatch');
  });
});
