import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { MAX_REPORT_BYTES, MAX_REPORT_DEPTH, READABLE_SCHEMAS, ReportReadError, parseReport, readReport } from '../../src/report/read.js';
import { REPORT_SCHEMA } from '../../src/report/types.js';
import { fullReport } from '../fixtures/report.js';
import { validateReport } from '../../src/report/validate.js';
import { removeDir, tempDir } from '../helpers.js';

const SOURCE = 'report.json';

/** The ReportReadError `fn` throws (failing the test on any other outcome). */
function readError(fn: () => unknown): ReportReadError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ReportReadError) return err;
    throw new Error(`expected a ReportReadError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a ReportReadError, but it parsed');
}

function refusal(text: string): ReportReadError {
  return readError(() => parseReport(text, SOURCE));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Step = string | number;

/** Paths (as key steps) of every primitive value in a JSON value, in document order. */
function leafPaths(value: Json, at: Step[] = []): Step[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, [...at, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...at, k]));
  return [at];
}

/** Paths of every object (the places a key can go), the root included. */
function objectPaths(value: Json, at: Step[] = []): Step[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => objectPaths(v, [...at, i]));
  if (value !== null && typeof value === 'object') return [at, ...Object.entries(value).flatMap(([k, v]) => objectPaths(v, [...at, k]))];
  return [];
}

function pointerOf(steps: readonly Step[]): string {
  return steps.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function at(root: Json, steps: readonly Step[]): Json {
  return steps.reduce<Json>((node, s) => (node as Record<string, Json>)[s]!, root);
}

function setAt(root: Json, steps: readonly Step[], value: Json): void {
  const parent = at(root, steps.slice(0, -1)) as Record<string, Json>;
  parent[steps[steps.length - 1]!] = value;
}

/** A copy of the full report as plain JSON, for mutating. */
function reportJson(): Json {
  return JSON.parse(JSON.stringify(fullReport())) as Json;
}

function typeOf(value: Json): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** The JSON text of `root` with the first key of the object at `steps` written twice (first with null). */
function withRepeatedKey(root: Json, steps: readonly Step[]): string {
  const write = (value: Json, here: readonly Step[]): string => {
    if (Array.isArray(value)) return `[${value.map((v, i) => write(v, [...here, i])).join(',')}]`;
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${write(v, [...here, k])}`);
    if (pointerOf(here) === pointerOf(steps)) members.unshift(`${JSON.stringify(Object.keys(value)[0])}:null`);
    return `{${members.join(',')}}`;
  };
  return write(root, []);
}

/** One value of each JSON type. */
const SAMPLES: readonly Json[] = [null, true, 7, 'text', [], {}, [1], { x: 1 }];

describe('parseReport', () => {
  it('the fixture conforms to the published schema, and the newest readable schema is the current one', () => {
    expect(validateReport(fullReport())).toEqual([]);
    expect(READABLE_SCHEMAS).toEqual(['flopmeter/report@1']);
    expect(READABLE_SCHEMAS.at(-1)).toBe(REPORT_SCHEMA);
  });

  it('round-trips a valid report, compact or indented, with or without a byte-order mark', () => {
    const r = fullReport();
    expect(parseReport(JSON.stringify(r), SOURCE)).toEqual(r);
    expect(parseReport(`\uFEFF${JSON.stringify(r, null, 2)}\n`, SOURCE)).toEqual(r);
  });

  it('refuses with a ReportReadError, a UsageError (exit 2), carrying source and path', () => {
    const err = refusal('{}');
    expect(err).toBeInstanceOf(UsageError);
    expect(err.source).toBe(SOURCE);
    expect(err.path).toBe('/schema');
    expect(err.message).toBe(`${SOURCE}: at /schema: is required but missing; this flopmeter reads flopmeter/report@1`);
  });

  it('refuses empty and blank text', () => {
    for (const text of ['', '  \n\t', '\uFEFF']) {
      const err = refusal(text);
      expect(err.path).toBe('');
      expect(err.message).toBe(`${SOURCE}: empty: no report in it`);
    }
  });

  it('refuses truncated and non-JSON text, giving the line and column where V8 gives a position', () => {
    const text = JSON.stringify(fullReport(), null, 2);
    expect(refusal(text.slice(0, 20)).message).toBe(`${SOURCE}: not JSON: Unterminated string at line 2 column 19`);
    expect(refusal('{\n  "a": 1,\n  ').message).toBe(`${SOURCE}: not JSON: Expected double-quoted property name at line 3 column 3`);
    expect(refusal('[1,\n').message).toBe(`${SOURCE}: not JSON: Unexpected end of JSON input at line 2 column 1`);
    expect(refusal('{}\n]').message).toBe(`${SOURCE}: not JSON: Unexpected non-whitespace character after JSON at line 2 column 1`);
    expect(refusal('this is not a report').message).toMatch(/^report\.json: not JSON: /);
  });

  it('refuses NaN and Infinity literals, and keeps V8\'s snippet on one line', () => {
    expect(refusal('{"a": NaN}').message).toMatch(/^report\.json: not JSON: Unexpected token 'N'/);
    expect(refusal('{"a": -Infinity}').message).toMatch(/^report\.json: not JSON: /);
    const multiline = refusal('{"a":\n\n}');
    expect(multiline.message).not.toMatch(/[\n\r]/);
    expect(multiline.message).toMatch(/^report\.json: not JSON: .*\\u000a/);
  });

  it('refuses a JSON value that is not an object', () => {
    expect(refusal('[]').message).toBe(`${SOURCE}: not a report: the JSON value is an array, not an object`);
    expect(refusal('42').message).toMatch(/is a number, not an object$/);
    expect(refusal('"x"').message).toMatch(/is a string, not an object$/);
    expect(refusal('null').message).toMatch(/is null, not an object$/);
    expect(refusal('false').path).toBe('');
  });

  it('refuses a missing, non-string or unknown schema id, naming /schema', () => {
    const with_ = (schema: unknown) => JSON.stringify({ ...fullReport(), schema });
    const { schema: _schema, ...noSchema } = fullReport();
    expect(refusal(JSON.stringify(noSchema)).path).toBe('/schema');
    expect(refusal(with_(1)).message).toBe(`${SOURCE}: at /schema: must be a string naming the report schema, not a number; this flopmeter reads flopmeter/report@1`);
    expect(refusal(with_(null)).message).toMatch(/^report\.json: at \/schema: must be a string .*, not null;/);
    for (const id of ['flopmeter/report@0', 'flopmeter/report', 'other/report@1', 'flopmeter/report@1.1', ' flopmeter/report@1']) {
      expect(refusal(with_(id)).message).toBe(`${SOURCE}: at /schema: unknown report schema ${JSON.stringify(id)}; this flopmeter reads flopmeter/report@1`);
    }
  });

  it('refuses a report of a later schema as written by a newer flopmeter', () => {
    for (const id of ['flopmeter/report@2', 'flopmeter/report@17', `flopmeter/report@${'9'.repeat(400)}`]) {
      const err = refusal(JSON.stringify({ ...fullReport(), schema: id }));
      expect(err.path).toBe('/schema');
      expect(err.message).toBe(`${SOURCE}: at /schema: "${id}" was written by a newer flopmeter; this flopmeter reads flopmeter/report@1`);
    }
  });

  it('refuses wrong types at the path of the offending value', () => {
    const mutate = (steps: Step[], value: Json): string => {
      const doc = reportJson();
      setAt(doc, steps, value);
      return JSON.stringify(doc);
    };
    expect(refusal(mutate(['results', 0, 'throughput', 'value'], 'fast')).message).toBe(`${SOURCE}: at /results/0/throughput/value: must be number`);
    expect(refusal(mutate(['results', 0, 'throughput', 'ci95', 1], true)).path).toBe('/results/0/throughput/ci95/1');
    expect(refusal(mutate(['idle', 'other', 'reason'], 5)).message).toBe(`${SOURCE}: at /idle/other/reason: must be string`);
    expect(refusal(mutate(['results', 0, 'engine'], 5)).message).toBe(`${SOURCE}: at /results/0/engine: must be string or null`);
    expect(refusal(mutate(['config', 'preset'], 'slow')).message).toBe(`${SOURCE}: at /config/preset: must be one of "quick", "standard", "full", "external"`);
    const noHost = reportJson() as Record<string, Json>;
    delete noHost.host;
    expect(refusal(JSON.stringify(noHost)).message).toBe(`${SOURCE}: at /host: is required but missing`);
    expect(refusal(mutate(['results', 0, 'work', 'perIteration', 'joules'], 1)).message).toBe(
      `${SOURCE}: at /results/0/work/perIteration/joules: is not an allowed property here`,
    );
  });

  it('refuses numbers out of range (1e400 parses to Infinity), naming the path', () => {
    const text = JSON.stringify(fullReport());
    expect(refusal(text.replace('"value":4000000000', '"value":1e400')).message).toBe(
      `${SOURCE}: at /results/0/throughput/value: number out of range: not a finite 64-bit float`,
    );
    expect(refusal(text.replace('"seed":42', '"seed":-1e999')).path).toBe('/config/seed');
    expect(refusal(`{"a":[0, ${'9'.repeat(400)}]}`).path).toBe('/a/1');
  });

  it('refuses prototype keys at any depth, naming the path, and Object.prototype stays clean', () => {
    const text = JSON.stringify(fullReport());
    const proto = refusal(text.replace('"identity":{"cores"', '"identity":{"__proto__":{"polluted":1},"cores"'));
    expect(proto.message).toBe(`${SOURCE}: at /devices/0/identity/__proto__: key "__proto__" is not allowed (it could reach a prototype)`);
    expect(refusal(`{"constructor":{"prototype":{"polluted":1}}}`).path).toBe('/constructor');
    expect(refusal(`{"a":[{"b":{"prototype":1}}]}`).path).toBe('/a/0/b/prototype');
    expect(refusal(`{"a/b~c":{"__proto__":1}}`).path).toBe('/a~1b~0c/__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a key repeated in an object, at the top level or nested, naming its JSON path', () => {
    const text = JSON.stringify(fullReport());
    const top = refusal(text.replace('{"schema"', '{"createdAt":"2020-01-01T00:00:00.000Z","schema"'));
    expect(top.path).toBe('/createdAt');
    expect(top.message).toMatch(/^report\.json: at \/createdAt: duplicate key "createdAt" at line 1 column \d+: a key may appear once in an object/);
    const nested = refusal(text.replace('"throughput":{"value":4000000000', '"throughput":{"value":1,"value":4000000000'));
    expect(nested.path).toBe('/results/0/throughput/value');
    expect(nested.message).toContain('at /results/0/throughput/value: duplicate key "value"');
    // The same key however it is spelled: escapes are undone before comparing.
    expect(refusal(text.replace('"throughput":{"value"', '"throughput":{"v\\u0061lue":1,"value"')).path).toBe('/results/0/throughput/value');
    expect(refusal('{"a":[{"x":1},{"x":2,"b~/":{"k":1,"k":2}}]}').path).toBe('/a/1/b~0~1/k');
  });

  it('takes keys only where keys go: equal keys in sibling objects and strings equal to keys are fine', () => {
    expect(refusal('{"a":{"k":1},"b":{"k":1},"c":["k","k"],"d":"a"}').message).toMatch(/is required but missing/);
    expect(refusal('{"a":"\\",\\"a\\":","a":1}').path).toBe('/a'); // the first value is the string ","a":
  });

  it('reports a syntax error before a repeated key in text that is not JSON', () => {
    expect(refusal('{"a":1,"a":').message).toMatch(/not JSON/);
  });

  it('refuses a duplicate of any key of any object of a report, naming it', () => {
    const doc = reportJson();
    for (const steps of objectPaths(doc)) {
      const target = at(doc, steps) as Record<string, Json>;
      const first = Object.keys(target)[0];
      if (first === undefined) continue;
      expect(refusal(withRepeatedKey(doc, steps)).path).toBe(pointerOf([...steps, first]));
    }
  });

  it('refuses nesting deeper than the limit from a scan of the text, without recursing', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(refusal(nested(MAX_REPORT_DEPTH)).message).toMatch(/not a report: the JSON value is an array/);
    expect(refusal(nested(MAX_REPORT_DEPTH + 1)).message).toBe(`${SOURCE}: nested deeper than ${MAX_REPORT_DEPTH} levels at line 1 column ${MAX_REPORT_DEPTH + 1}`);
    const started = performance.now();
    expect(refusal('['.repeat(1_000_000)).message).toMatch(/nested deeper than/);
    expect(refusal('{"a":'.repeat(1_000_000)).message).toMatch(/nested deeper than/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('does not count brackets inside strings as nesting', () => {
    const r = fullReport();
    r.results[0]!.notes = ['[{'.repeat(1000), '\\"[[[[', '"]]'];
    expect(parseReport(JSON.stringify(r), SOURCE)).toEqual(r);
  });

  it('keeps a message on one line and bounded, whatever the source name or keys', () => {
    const err = readError(() => parseReport(`{"${'k'.repeat(100_000)}\\n":{"__proto__":1}}`, 'evil\nname.json'));
    expect(err.message).not.toMatch(/[\n\r]/);
    expect(err.message.startsWith('evil\\u000aname.json: at /')).toBe(true);
    expect(err.message.length).toBeLessThanOrEqual(1000);
    expect(err.path).toBe(`/${'k'.repeat(100_000)}\n/__proto__`);
  });
});

describe('parseReport properties', () => {
  const text = JSON.stringify(fullReport(), null, 1);

  it('refuses every truncation of a valid report with a ReportReadError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length - 1 }), (n) => {
        expect(() => parseReport(text.slice(0, n), SOURCE)).toThrow(ReportReadError);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a leaf of a wrong type, naming its path or a parent of it', () => {
    const leaves = leafPaths(reportJson());
    fc.assert(
      fc.property(fc.constantFrom(...leaves), fc.constantFrom(...SAMPLES), (steps, replacement) => {
        const doc = reportJson();
        fc.pre(typeOf(at(doc, steps)) !== typeOf(replacement));
        setAt(doc, steps, replacement);
        fc.pre(validateReport(doc).length > 0); // a few places take several types: params, identity, nullable fields
        const err = readError(() => parseReport(JSON.stringify(doc), SOURCE));
        const mutated = pointerOf(steps);
        expect(mutated === err.path || mutated.startsWith(`${err.path}/`)).toBe(true);
        expect(err.message.startsWith(`${SOURCE}: at ${err.path}: `)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('only ever parses or throws a ReportReadError, for any JSON value or any top-level member of a report', () => {
    const outcome = (value: unknown): void => {
      try {
        parseReport(JSON.stringify(value) ?? 'null', SOURCE);
      } catch (err) {
        expect(err).toBeInstanceOf(ReportReadError);
      }
    };
    fc.assert(fc.property(fc.jsonValue(), outcome), { numRuns: 200 });
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => outcome(s)), { numRuns: 100 });
    const keys = Object.keys(fullReport());
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => outcome({ ...fullReport(), [key]: value })),
      { numRuns: 200 },
    );
  });

  it('refuses __proto__, constructor and prototype keys inserted at any depth, leaving Object.prototype clean', () => {
    const places = objectPaths(reportJson());
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    fc.assert(
      fc.property(fc.constantFrom(...places), fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue({ maxDepth: 3 }), (steps, key, value) => {
        const doc = reportJson();
        // defineProperty: plain assignment to "__proto__" would set the prototype instead of adding a key.
        Object.defineProperty(at(doc, steps), key, { value: { polluted: value }, enumerable: true, writable: true, configurable: true });
        const err = readError(() => parseReport(JSON.stringify(doc), SOURCE));
        expect(err.path).toBe(`${pointerOf(steps)}/${key}`);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });
});

describe('readReport', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('flopmeter-read-');
  });
  afterAll(() => removeDir(dir));

  it('reads a report file', () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify(fullReport(), null, 2));
    expect(readReport(file)).toEqual(fullReport());
  });

  it('refuses an empty file, naming it', () => {
    const file = join(dir, 'empty.json');
    writeFileSync(file, '');
    expect(readError(() => readReport(file)).message).toBe(`${file}: empty: no report in it`);
  });

  it('refuses a file over the size limit from its size, without reading it', () => {
    const file = join(dir, 'huge.json');
    writeFileSync(file, '');
    truncateSync(file, MAX_REPORT_BYTES + 1); // sparse: no disk used, and reading it would take seconds
    const err = readError(() => readReport(file));
    expect(err.message).toBe(`${file}: ${MAX_REPORT_BYTES + 1} bytes: larger than the 256 MiB a report may be`);
  });

  it('refuses a missing file, a directory and a path through a file', () => {
    expect(readError(() => readReport(join(dir, 'missing.json'))).message).toBe(`${join(dir, 'missing.json')}: cannot open: no such file`);
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect(readError(() => readReport(sub)).message).toBe(`${sub}: is a directory, not a report file`);
    const file = join(dir, 'plain.json');
    writeFileSync(file, '{}');
    expect(readError(() => readReport(join(file, 'x'))).message).toMatch(/cannot open: a part of the path is not a directory$/);
  });

  it('refuses devices and named pipes without hanging', (ctx) => {
    if (!existsSync('/dev/zero')) ctx.skip('no /dev/zero here');
    expect(readError(() => readReport('/dev/zero')).message).toBe('/dev/zero: not a regular file (a device, pipe or socket)');
    const fifo = join(dir, 'pipe.json');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      ctx.skip('mkfifo is not available here');
    }
    expect(readError(() => readReport(fifo)).message).toBe(`${fifo}: not a regular file (a device, pipe or socket)`);
  });

  it('refuses bytes that are not UTF-8', () => {
    const file = join(dir, 'binary.json');
    writeFileSync(file, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    expect(readError(() => readReport(file)).message).toBe(`${file}: not UTF-8 text: not a report`);
  });
});
