/**
 * What JSON.parse cannot be asked about a report's text, found in one pass
 * over it before (nesting) and after (duplicate keys) parsing: how deep it
 * nests, and the first object that repeats a key. JSON.parse recurses (a
 * deep enough text overflows the stack) and keeps the last of repeated keys,
 * while other readers keep the first — so a repeated key would let one file
 * say two things, one of them under a valid signature.
 */

/** What the scan found wrong: a nesting too deep (at a text offset), or a repeated key (at its JSON path). */
export type StructureProblem = { kind: 'too-deep'; offset: number } | { kind: 'duplicate-key'; offset: number; path: string[] };

/** What a scan found: a problem, or null; and how many object keys the text holds. */
export interface StructureScan {
  problem: StructureProblem | null;
  /** Keys of every object, counted: JSON.parse keeps one of each repeated key, so fewer in the parsed value means a repeat. */
  keys: number;
}

/** An object's entry on the stack when keys are only counted (never added to). */
const COUNTED: ReadonlySet<string> = new Set();

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** The end (offset of the closing quote) of the string starting at `start`, or -1 when it does not end. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q === -1) return -1;
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q;
    from = q + 1;
  }
}

/** A key's value: the text between the quotes, unescaped by JSON.parse only when it holds an escape; null when malformed. */
function keyOf(text: string, start: number, end: number): string | null {
  const raw = text.slice(start + 1, end);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(start, end + 1)) as string;
  } catch {
    return null;
  }
}

/**
 * Scans the text once. `maxDepth` bounds the nesting of arrays and objects.
 * With `locate`, it also remembers each object's keys and finds the first
 * repeated one with its path (slower: the fast pass only counts keys, and a
 * count that disagrees with the parsed value's says a locating pass is due).
 * On text that is not JSON the answer is unreliable but it never throws:
 * parse it to know (a syntax error comes before a repeated key).
 */
export function scanStructure(text: string, maxDepth: number, locate = false): StructureScan {
  // Per open container: the keys seen (an object) or null (an array); and its place in the path.
  const keys: Array<Set<string> | ReadonlySet<string> | null> = [];
  const path: Array<string | number> = [];
  let expectKey = false;
  let duplicate: StructureProblem | null = null;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end === -1) break;
      const seen = keys[keys.length - 1];
      if (expectKey && seen) count++;
      if (expectKey && seen && locate && !duplicate) {
        const key = keyOf(text, i, end);
        if (key === null) break;
        if (seen.has(key)) duplicate = { kind: 'duplicate-key', offset: i, path: [...path.slice(0, -1).map(String), key] };
        (seen as Set<string>).add(key);
        path[path.length - 1] = key;
      }
      expectKey = false;
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (keys.length >= maxDepth) return { problem: { kind: 'too-deep', offset: i }, keys: count };
      keys.push(c === 0x7b ? (locate ? new Set() : COUNTED) : null);
      path.push(0);
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      keys.pop();
      path.pop();
      expectKey = false;
    } else if (c === COMMA) {
      const top = keys.length - 1;
      if (keys[top]) expectKey = true;
      else if (top >= 0) path[top] = (path[top] as number) + 1;
    }
  }
  return { problem: duplicate, keys: count };
}
