/**
 * Comparability must not depend on the build: flopmeter compiled for ES2015
 * (where TypeScript rewrites `**`, async functions and more, so compiled
 * function text differs) gives every probe, parameter set and kernel the same
 * definition hash as the ES2023 build in dist/ and as this test's own build.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBES } from '../../probes/index.js';
import { definitionHashes } from '../../scripts/definition-hashes.js';
import { ROOT } from '../helpers.js';

const run = promisify(execFile);
const DIST = join(ROOT, 'dist');
let other: string;

/** Compiles the hash script and what it imports for ES2015, with the project's other settings, under node_modules (so that packages resolve). */
async function compileForEs2015(): Promise<string> {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'flopmeter-es2015-'));
  const config = {
    extends: join(ROOT, 'tsconfig.build.json'),
    compilerOptions: { target: 'ES2015', outDir: dir, rootDir: ROOT, sourceMap: false },
    files: [join(ROOT, 'scripts', 'definition-hashes.ts')],
    include: [join(ROOT, 'types')],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
  await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: ROOT });
  return dir;
}

async function hashesOf(build: string): Promise<Record<string, string>> {
  const { stdout } = await run(process.execPath, [join(build, 'scripts', 'definition-hashes.js')], { cwd: ROOT, maxBuffer: 16 << 20 });
  return JSON.parse(stdout) as Record<string, string>;
}

/** What the scheme of flopmeter 0.1.0 hashed: the compiled text of each probe's work() and reference(). */
async function compiledTextOf(build: string): Promise<string[]> {
  const script = `const { PROBES } = await import(${JSON.stringify(new URL(`file://${join(build, 'probes', 'index.js')}`).href)});
process.stdout.write(JSON.stringify(PROBES.map((p) => String(p.work) + String(p.reference))));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, maxBuffer: 16 << 20 });
  return JSON.parse(stdout) as string[];
}

beforeAll(async () => {
  if (!existsSync(join(DIST, 'scripts', 'definition-hashes.js'))) throw new Error('dist/ is not built: run npm run build');
  other = await compileForEs2015();
}, 180_000);
afterAll(() => other && rmSync(other, { recursive: true, force: true }));

describe('definition hashes across builds', () => {
  it('are the same for every probe, parameter set and kernel, whatever the JavaScript target', async () => {
    const [es2015, es2023] = await Promise.all([hashesOf(other), hashesOf(DIST)]);
    const here = definitionHashes();
    expect(new Set(Object.keys(es2023).map((k) => k.split('/')[0]))).toEqual(new Set(PROBES.map((p) => p.id)));
    expect(Object.keys(es2023).length).toBeGreaterThan(100);
    expect(es2015).toEqual(es2023);
    expect(here).toEqual(es2023);
    // Different workloads keep different hashes.
    expect(new Set(Object.values(es2023)).size).toBeGreaterThan(Object.keys(es2023).length / 4);
  }, 60_000);

  it('would not have been with the compiled text of work() and reference() (the old scheme)', async () => {
    const [es2015, es2023] = await Promise.all([compiledTextOf(other), compiledTextOf(DIST)]);
    expect(es2015).toHaveLength(PROBES.length);
    expect(es2015).not.toEqual(es2023);
  }, 60_000);
});
