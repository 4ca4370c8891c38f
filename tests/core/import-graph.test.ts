/**
 * Dependencies point one way (DESIGN.md §2): cli → exporter/report → measure
 * → backends/models → core. Every import of every file under src/ (static,
 * type-only, re-exports and dynamic import()) is read from the source and
 * resolved; the rules below are the ones that keep the hosted-workload seam
 * a seam: backends accept workloads through core and never import them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

/** The module specifiers a TypeScript source imports or re-exports, in order. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\1/g)) found.push(m[2]!);
  return found;
}

/** Every .ts file under a directory, as paths relative to the repository root. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** Each file's imports inside the repository, as root-relative paths ("src/core/probe.js"); packages are left out. */
function importGraph(dir: string): Array<{ file: string; target: string }> {
  return sources(dir).flatMap((file) =>
    specifiers(readFileSync(join(ROOT, file), 'utf8'))
      .filter((s) => s.startsWith('.'))
      .map((s) => ({ file, target: relative(ROOT, resolve(ROOT, dirname(file), s)) })),
  );
}

const graph = importGraph('src');
const under = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);

/** Imports from files under `from` to anything outside the `allowed` directories, as "file -> target". */
function outside(from: string, allowed: readonly string[]): string[] {
  return graph.filter((e) => under(e.file, from) && !allowed.some((dir) => under(e.target, dir))).map((e) => `${e.file} -> ${e.target}`);
}

describe('the import graph', () => {
  it('reads static, type-only, multi-line, re-exported and dynamic imports, and nothing else', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      'import {\n  c,\n  d,\n} from "./c.js";',
      "export { e } from './e.js';",
      "export type { F } from './f.js';",
      "import './side-effect.js';",
      "const g = await import('./g.js');",
      "const text = 'imported from nowhere';",
    ].join('\n');
    expect(specifiers(source)).toEqual(['./a.js', '../b.js', './c.js', './e.js', './f.js', './side-effect.js', './g.js']);
  });

  it('sees the seam itself: the sessions import the session base, models and the base import the workload interface', () => {
    const edges = new Set(graph.map((e) => `${e.file} -> ${e.target}`));
    for (const backend of ['cpu', 'cuda', 'webgpu']) expect(edges).toContain(`src/backends/${backend}/session.ts -> src/backends/session-base.js`);
    expect(edges).toContain('src/backends/session-base.ts -> src/core/workload.js');
    expect(edges).toContain('src/models/tfjs/workload.ts -> src/core/workload.js');
    expect(edges).toContain('src/core/probe.ts -> src/core/workload.js');
  });

  it('core imports nothing outside core', () => {
    expect(outside('src/core', ['src/core'])).toEqual([]);
  });

  it('backends import only backends and core: never the workloads they host (models), nor anything above them', () => {
    expect(outside('src/backends', ['src/backends', 'src/core'])).toEqual([]);
  });

  it('models import only models, backends and core: never measure, telemetry, report, exporter or cli', () => {
    expect(outside('src/models', ['src/models', 'src/backends', 'src/core'])).toEqual([]);
  });

  it('nothing below the CLI imports it', () => {
    expect(graph.filter((e) => !under(e.file, 'src/cli') && under(e.target, 'src/cli')).map((e) => `${e.file} -> ${e.target}`)).toEqual([]);
  });
});
