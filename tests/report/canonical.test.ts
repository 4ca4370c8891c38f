import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotJsonError, canonicalize } from '../../src/report/canonical.js';

/** RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text. */
const RFC8785_NUMBERS: ReadonlyArray<[string, string]> = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'], // -0
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];

function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonical JSON (RFC 8785)', () => {
  it('writes numbers as RFC 8785 Appendix B does', () => {
    for (const [bits, text] of RFC8785_NUMBERS) expect(canonicalize(fromBits(bits)), bits).toBe(text);
    expect(canonicalize([1e21, 1e-7, -0, 4.5, 2e-3, 1e30])).toBe('[1e+21,1e-7,0,4.5,0.002,1e+30]');
  });

  it('reproduces the example of RFC 8785 §3.2.2 (whitespace, numbers, string escapes, literals)', () => {
    const input = '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000001000],\n  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}';
    expect(canonicalize(JSON.parse(input))).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,0.000001],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts member names by UTF-16 code units, as RFC 8785 §3.2.3 does', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const names = Object.keys(JSON.parse(canonicalize(input)) as object);
    // JSON.parse puts the integer-like "1" first again, so compare the text's order instead.
    expect(names).toHaveLength(7);
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((n) => `${JSON.stringify(n)}:`);
    const positions = order.map((n) => canonicalize(input).indexOf(n));
    expect(positions.every((p, i) => p > 0 && (i === 0 || p > positions[i - 1]!))).toBe(true);
  });

  it('nests without whitespace and keeps array order', () => {
    expect(canonicalize({ b: [3, { z: 1, a: null }], a: 'x', c: {} })).toBe('{"a":"x","b":[3,{"a":null,"z":1}],"c":{}}');
    expect(canonicalize(Object.assign(Object.create(null) as object, { k: true }))).toBe('{"k":true}');
  });

  it('refuses what JSON cannot hold, naming where', () => {
    const cases: Array<[unknown, string]> = [
      [{ a: [1, NaN] }, '$.a[1]'],
      [{ a: Infinity }, '$.a'],
      [{ 'x y': -Infinity }, '$["x y"]'],
      [{ a: undefined }, '$.a'],
      [[() => 1], '$[0]'],
      [{ n: 1n }, '$.n'],
      [{ d: new Date(0) }, '$.d'],
      [[1, , 3], '$[1]'], // eslint-disable-line no-sparse-arrays
      [Symbol('s'), '$'],
    ];
    for (const [value, path] of cases) {
      expect(() => canonicalize(value)).toThrow(NotJsonError);
      try {
        canonicalize(value);
      } catch (err) {
        expect((err as NotJsonError).path).toBe(path);
      }
    }
  });

  it('is a fixed point: parsing the canonical text and canonicalizing again gives the same text, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalize(value);
        expect(canonicalize(JSON.parse(text))).toBe(text);
        // Same value, members inserted in reverse order: same text.
        const reversed = JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
          v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
        ) as unknown;
        expect(canonicalize(reversed)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
