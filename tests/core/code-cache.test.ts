/**
 * The V8 code cache for generated CommonJS (src/core/code-cache.ts): the
 * module works with and without its cache, a cache is taken on a later load,
 * and a corrupt or stale cache costs a compile, never a failure. Each load is
 * a fresh process (the built module), as at a real start: within one process
 * V8's in-memory compilation cache would answer instead of the file.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, removeDir, tempDir } from '../helpers.js';

const dir = tempDir('code-cache-');
afterAll(() => removeDir(dir));

/** A module with enough lazily compiled code for V8 to cache, requiring a built-in through the given `require`. */
function writeModule(name: string, factor: number): string {
  const path = join(dir, name);
  const fns = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x * ${factor} + ${i}; }`).join('\n');
  writeFileSync(path, `${fns}\nconst { join } = require('node:path');\nmodule.exports = (x) => [${Array.from({ length: 50 }, (_, i) => `f${i}(x)`).join(', ')}].reduce((a, b) => a + b, 0) + join('a', 'b').length;\n`);
  return path;
}
/** Loads `path` through the cache in a fresh process, calls its export with `x` and saves the cache. */
function load(path: string, cache: string, x: number): { fromCache: boolean; value: number } {
  const built = pathToFileURL(join(ROOT, 'dist', 'src', 'core', 'code-cache.js')).href;
  const code = `import { requireWithCodeCache } from ${JSON.stringify(built)};
const m = requireWithCodeCache(${JSON.stringify(path)}, ${JSON.stringify(cache)});
const value = m.exports(${x});
m.save();
console.log(JSON.stringify({ fromCache: m.fromCache, value }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { fromCache: boolean; value: number };
}

/** What the module above gives for x. */
const expected = (x: number, factor: number): number => 50 * x * factor + (49 * 50) / 2 + 3;

describe('requireWithCodeCache', () => {
  it('loads a module, saves its cache after first use, and takes it in the next process', () => {
    const path = writeModule('a.cjs', 3);
    const cache = join(dir, 'cache-a');
    expect(load(path, cache, 2)).toEqual({ fromCache: false, value: expected(2, 3) });
    expect(readdirSync(cache).filter((f) => f.startsWith('a.cjs-') && f.endsWith('.bin'))).toHaveLength(1);
    expect(load(path, cache, 5)).toEqual({ fromCache: true, value: expected(5, 3) });
  });

  it('compiles afresh from a corrupt cache, replaces it, and drops the cache of an earlier version of the file', () => {
    const path = writeModule('b.cjs', 4);
    const cache = join(dir, 'cache-b');
    load(path, cache, 1);
    const [file] = readdirSync(cache);
    writeFileSync(join(cache, file!), Buffer.from('not a V8 code cache'));
    expect(load(path, cache, 1)).toEqual({ fromCache: false, value: expected(1, 4) });
    expect(load(path, cache, 1).fromCache).toBe(true);

    // A new version of the file (another size): its own cache, and the old one removed when it is saved.
    writeFileSync(path, `${'// a longer file\n'.repeat(3)}module.exports = (x) => x + 7;\n`);
    expect(load(path, cache, 1)).toEqual({ fromCache: false, value: 8 });
    expect(readdirSync(cache)).toHaveLength(1);
    expect(readdirSync(cache)[0]).not.toBe(file);
  });

  it('still works where the cache folder cannot be written', () => {
    const path = writeModule('c.cjs', 5);
    const cache = join(dir, 'read-only');
    writeFileSync(cache, 'a file where the folder would be');
    chmodSync(cache, 0o444);
    expect(load(path, cache, 3)).toEqual({ fromCache: false, value: expected(3, 5) });
    expect(load(path, cache, 3).fromCache).toBe(false);
  });
});
