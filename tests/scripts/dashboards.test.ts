import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS, renderDashboards } from '../../scripts/dashboards.js';
import { ROOT } from '../helpers.js';

const dir = join(ROOT, 'dashboards');

interface Json {
  uid: string;
  templating: { list: Array<{ name: string; type: string; query?: unknown }> };
  panels: Array<{ title: string; type: string; datasource: { uid: string }; targets: Array<{ expr: string; datasource: { uid: string } }> }>;
}

describe('the Grafana dashboards', () => {
  it('are committed exactly as the generator writes them (run `npm run dashboards` after changing it)', () => {
    const rendered = renderDashboards();
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(rendered).map((f) => `${f}.json`).sort());
    for (const [name, json] of Object.entries(rendered)) expect(JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'))).toEqual(json);
  });

  it('each has datasource, instance and device variables, and every query goes through $datasource', () => {
    for (const json of Object.values(renderDashboards()) as Json[]) {
      const vars = json.templating.list.map((v) => v.name);
      expect(vars.slice(0, 3)).toEqual(['datasource', 'instance', 'device']);
      expect(json.templating.list[0]!.type).toBe('datasource');
      for (const p of json.panels) {
        expect(p.datasource.uid, p.title).toBe('${datasource}');
        expect(p.targets.length, p.title).toBeGreaterThan(0);
        for (const t of p.targets) {
          expect(t.datasource.uid).toBe('${datasource}');
          // Every series is filtered by the instance the user picked.
          expect(t.expr, `${json.uid}: ${p.title}`).toContain('instance=~"$instance"');
        }
      }
    }
  });

  it('cover what the issue names: fleet, device detail (with a latency heatmap) and probe results', () => {
    expect(Object.keys(DASHBOARDS).sort()).toEqual(['flopmeter-device', 'flopmeter-fleet', 'flopmeter-results']);
    const device = renderDashboards()['flopmeter-device'] as Json;
    expect(device.panels.some((p) => p.type === 'heatmap')).toBe(true);
  });

  it('come with a Grafana file-provider provisioning file', () => {
    const prov = parse(readFileSync(join(dir, 'provisioning', 'dashboards.yaml'), 'utf8')) as { apiVersion: number; providers: Array<{ type: string; options: { path: string } }> };
    expect(prov.apiVersion).toBe(1);
    expect(prov.providers[0]!.type).toBe('file');
    expect(prov.providers[0]!.options.path).toMatch(/^\//);
  });
});
