/**
 * How many terminal columns a string takes: what yargs' help layout (cliui,
 * wrap-ansi) asks `string-width` for, answered without it. string-width
 * builds an Intl.Segmenter and a Unicode-property regex when it loads and
 * segments every string into graphemes — about 25 ms to load and 35 ms more
 * to lay out `flopmeter --help` here, more than Node.js takes to start — so
 * the CLI's bundle (scripts/build-cli-bundle.ts) puts this function in its
 * place. It counts code points: ANSI escape sequences, control characters,
 * zero-width and combining marks take no column, East Asian wide and
 * fullwidth characters and emoji take two, everything else one. That is
 * string-width's answer for every text flopmeter's help shows (Latin,
 * typographic punctuation, math signs; tests/cli/text-width.test.ts compares
 * them); it differs only for multi-code-point emoji sequences.
 */

/** CSI sequences (colours, cursor moves) and OSC sequences (links), as terminals read them. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)/g;

/** Code points that take no column: controls, zero-width marks, combining marks, variation selectors. */
const ZERO_WIDTH: ReadonlyArray<readonly [number, number]> = [
  [0x00, 0x1f], [0x7f, 0x9f], [0x300, 0x36f], [0x1ab0, 0x1aff], [0x1dc0, 0x1dff], [0x200b, 0x200f],
  [0x20d0, 0x20ff], [0xfe00, 0xfe0f], [0xfe20, 0xfe2f], [0xfeff, 0xfeff], [0xe0100, 0xe01ef],
];

/** Code points two columns wide: Unicode's East Asian Wide and Fullwidth blocks, and the emoji planes. */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3],
  [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1],
  [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea],
  [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b],
  [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55],
  [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6],
  [0x16fe0, 0x18cff], [0x1b000, 0x1b2ff], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a], [0x1f200, 0x1f251], [0x1f300, 0x1f64f], [0x1f680, 0x1f6ff], [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f9ff], [0x1fa70, 0x1faff], [0x20000, 0x3fffd],
];

function within(ranges: ReadonlyArray<readonly [number, number]>, codePoint: number): boolean {
  return ranges.some(([first, last]) => codePoint >= first && codePoint <= last);
}

/** Printable ASCII only: nearly every string a help layout measures, one column a character. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The columns `text` takes on a terminal (see the module comment for what is counted). */
export function textWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (const char of text.replace(ANSI, '')) {
    const codePoint = char.codePointAt(0)!;
    if (codePoint >= 0x20 && codePoint < 0x7f) width += 1;
    else if (!within(ZERO_WIDTH, codePoint)) width += within(WIDE, codePoint) ? 2 : 1;
  }
  return width;
}
