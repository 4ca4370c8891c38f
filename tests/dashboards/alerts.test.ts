/**
 * The shipped Prometheus alerting rules (dashboards/alerts/flopmeter.rules.yml):
 * promtool accepts them, and tests/dashboards/alerts.test.yml — input series that
 * must and must not fire each alert — passes under `promtool test rules`.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT, requireComponent, tempDir } from '../helpers.js';
import { hasCommand } from '../exporter/prometheus-tools.js';

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
    copyFileSync(CASES, join(dir, 'tests', 'dashboards', 'alerts.test.yml'));
    const r = promtool('test', 'rules', join(dir, 'tests', 'dashboards', 'alerts.test.yml'));
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('FlopmeterEnergyCounterMismatch');
  });
});
