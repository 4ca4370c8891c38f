/**
 * The column count the CLI's bundle gives yargs' help layout in place of
 * string-width (src/cli/text-width.ts): the same answer as string-width — the
 * package yargs' layout uses, loaded here as the reference — for every kind of
 * text a help screen can hold, including all of flopmeter's own help text.
 */
import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { textWidth } from '../../src/cli/text-width.js';
import { runCli } from '../helpers.js';

describe('textWidth', () => {
  it('counts as string-width does: ASCII, typographic punctuation, math signs, CJK, fullwidth, combining marks, controls, ANSI colours and links', () => {
    const samples = [
      '',
      'Run the standard probes and write a JSON report',
      'flopmeter — a compute-efficiency meter’s “help”: 95 % ≤ 2× ± 0.5 µs, 3 °C, ½, →',
      '日本語のテキスト',
      '한국어 텍스트',
      'ＦＵＬＬＷＩＤＴＨ ｶﾀｶﾅ',
      'café with e\u0301 combined, zero\u200bwidth',
      'tab\there\u0007bell',
      '\u001b[1m\u001b[31mbold red\u001b[39m\u001b[22m',
      '\u001b]8;;https://example.org\u0007a link\u001b]8;;\u0007',
      'emoji 🚀 and ⌚ and ✅',
      'Ελληνικά, кириллица, עברית',
    ];
    for (const text of samples) expect(textWidth(text), JSON.stringify(text)).toBe(stringWidth(text));
  });

  for (const args of [['--help'], ['run', '--help'], ['report', '--help']]) {
    it(`agrees with string-width on every line of flopmeter ${args.join(' ')}`, async () => {
      const { code, stdout } = await runCli(args);
      expect(code).toBe(0);
      const lines = stdout.split('\n');
      expect(lines.length).toBeGreaterThan(10);
      for (const line of lines) expect(textWidth(line), line).toBe(stringWidth(line));
    });
  }
});
