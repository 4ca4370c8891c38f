import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { builtValidatorPath, firstSchemaProblem, schemaCompiler, schemaDigest, validateReport } from '../../src/report/validate.js';
import { fullReport } from '../fixtures/report.js';
import { ROOT } from '../helpers.js';

/** The smallest report that conforms: no results. */
function minimal(): Record<string, unknown> {
  return {
    schema: 'flopmeter/report@1',
    tool: { name: 'flopmeter', version: '0.1.0', commit: null, dirty: null },
    createdAt: '2026-11-22T10:00:00.000Z',
    status: 'complete',
    host: { hostname: 'h', os: 'Debian 12', kernel: '6.1', arch: 'x64', cpu: 'c', logicalCpus: 2, memoryBytes: 1e9, virtual: true, node: 'v20', v8: '11' },
    backends: [{ id: 'cpu', available: true, reason: null, notes: [] }],
    devices: [],
    config: {
      argv: [],
      preset: 'quick',
      seed: 1,
      threads: 2,
      backends: ['cpu'],
      probes: [],
      params: [],
      stopping: { criterion: 'fixed-windows', settings: { windows: 3 } },
      idleSeconds: 0.5,
      warmup: { minSeconds: 0.1, maxSeconds: 1, stableRel: 0.05 },
      window: { minSeconds: 0.2, minWindows: 3, maxWindows: 10, gapMaxSeconds: 0.05 },
      telemetry: true,
    },
    idle: { cpu0: { watts: null, reason: 'no sensor' } },
    telemetry: { devices: [], sensors: [], missing: [], notes: [], samplers: [] },
    results: [],
  };
}

describe('the report schema', () => {
  it('accepts a conforming report', () => {
    expect(validateReport(minimal())).toEqual([]);
  });

  it('refuses wrong schema ids, missing fields and wrong types, saying where', () => {
    expect(validateReport({ ...minimal(), schema: 'flopmeter/report@2' })[0]!.path).toBe('/schema');
    const { host: _host, ...noHost } = minimal();
    expect(validateReport(noHost).some((p) => /host/.test(p.message))).toBe(true);
    const badSeed = minimal();
    (badSeed.config as Record<string, unknown>).seed = 'x';
    expect(validateReport(badSeed)).toContainEqual(expect.objectContaining({ path: '/config/seed' }));
  });

  it('refuses a completed result without throughput, and a zero where power is missing', () => {
    const r = minimal();
    r.results = [
      {
        id: 'cpu0/x',
        probe: 'x',
        params: {},
        backend: 'cpu',
        device: 'cpu0',
        engine: 'e',
        definitionHash: null,
        status: 'completed',
        reason: null,
        notes: [],
        check: { passed: true, maxRelError: 0, tolerance: 0, compared: 1 },
        work: { unit: 'item', perIteration: { items: 1 }, iterations: 1, total: 1 },
        timing: null,
        throughput: null,
        latency: null,
        power: null,
        energy: null,
        efficiency: null,
        unavailable: {},
        telemetry: null,
        uncertainty: null,
        windows: [],
      },
    ];
    const problems = validateReport(r).map((p) => p.path);
    expect(problems).toContain('/results/0/throughput');
    expect(problems).toContain('/results/0/unavailable'); // power is null with no reason given
  });
});

describe('the report schema’s additions for above-idle budgets and budget-line kinds', () => {
  it('accepts kinds, dynamic budgets and an idle spread, and an older report without them', () => {
    const r = fullReport();
    expect(validateReport(r)).toEqual([]);
    const result = r.results[0]!;
    const budget = { ...result.uncertainty!.throughput, components: result.uncertainty!.throughput.components.map((c) => ({ ...c, kind: 'statistical' as const })) };
    result.uncertainty = { ...result.uncertainty!, dynamicPower: budget, dynamicEnergyPerUnit: budget, dynamicEfficiency: budget };
    result.power = { ...result.power!, dynamic: { value: 12, unit: 'W', ci95: [11, 13] } };
    r.idle.cpu0 = { watts: 8, seconds: 0.5, method: 'counter', startNs: 1e8, endNs: 6e8, spread: { uWatts: 0.1, effectiveReadings: 2.5, readings: 5, rangeWatts: 0.4 } };
    expect(validateReport(r)).toEqual([]);
  });

  it('refuses a kind it does not know', () => {
    const r = fullReport() as unknown as { results: Array<{ uncertainty: { throughput: { components: Array<Record<string, unknown>> } } }> };
    r.results[0]!.uncertainty.throughput.components[0]!.kind = 'calibration';
    expect(validateReport(r)).toContainEqual({ path: '/results/0/uncertainty/throughput/components/0/kind', message: 'must be equal to one of the allowed values' });
  });
});

describe('the validators built at build time (dist/schemas/)', () => {
  const file = 'report-1.schema.json';
  const text = readFileSync(join(ROOT, 'schemas', file), 'utf8');

  it('exist for the schema as it is now, tagged with its digest', () => {
    for (const allErrors of [true, false]) {
      const built = createRequire(import.meta.url)(builtValidatorPath(file, allErrors)) as { schemaSha256?: string };
      expect(built.schemaSha256).toBe(schemaDigest(text));
    }
  });

  it('judge reports as the schema compiled now does, to the first problem', () => {
    const compiledNow = schemaCompiler(false).compile(JSON.parse(text) as object);
    const broken = fullReport() as unknown as { results: Array<{ throughput: { value: unknown } }> };
    broken.results[0]!.throughput.value = 'fast';
    const built = createRequire(import.meta.url)(builtValidatorPath(file, false)) as ValidateFunction;
    for (const doc of [fullReport(), broken, { schema: 'flopmeter/report@1' }]) {
      expect(built(doc)).toBe(compiledNow(doc));
      expect(built.errors ?? null).toEqual(compiledNow.errors ?? null);
    }
    expect(firstSchemaProblem(broken, file)).toEqual({ path: '/results/0/throughput/value', message: 'must be number' });
    // The digest differs for any other text, so a validator built from an older schema is not used.
    expect(schemaDigest(`${text} `)).not.toBe(schemaDigest(text));
  });
});
