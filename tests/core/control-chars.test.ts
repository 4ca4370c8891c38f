import { describe, expect, it } from 'vitest';
import { escapeControl, escapeControlKeepLayout } from '../../src/core/control-chars.js';

/** One of each kind: C0 (NUL, BEL, BS, tab, newline, CR, ESC), DEL, C1 (first, CSI, last), ALM, LRM, RLM, the separators, embeddings and overrides, isolates. */
const CONTROLS = '\u0000\u0007\u0008\u0009\u000a\u000d\u001b\u007f\u0080\u009b\u009f\u061c\u200e\u200f\u2028\u2029\u202a\u202e\u2066\u2069';

describe('escapeControl', () => {
  it('writes each control character as its \\uXXXX escape', () => {
    expect(escapeControl(CONTROLS)).toBe(
      '\\u0000\\u0007\\u0008\\u0009\\u000a\\u000d\\u001b\\u007f\\u0080\\u009b\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069',
    );
  });

  it('leaves printable text alone, non-ASCII included', () => {
    const text = 'gemm n=4096 · 12.3 GFLOP/s ±0.8 % — Größe ≥ 2 日本 🙂 \\u001b as text';
    expect(escapeControl(text)).toBe(text);
  });

  it('keeps newlines and tabs when asked, for a page laid out with them; the escape is also JSON\'s', () => {
    expect(escapeControlKeepLayout(`a\n\tb\u001b\u009b\u2028`)).toBe('a\n\tb\\u001b\\u009b\\u2028');
    expect(JSON.parse(escapeControlKeepLayout(JSON.stringify({ k: 'x\u009b\u2028\u202e' })))).toEqual({ k: 'x\u009b\u2028\u202e' });
  });
});
