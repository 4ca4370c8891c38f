/**
 * A CLI that answers at once (issue 14): the commands a person runs to look
 * around — `--version`, `--help`, `probes` and `report FILE` as text — load
 * none of the heavy libraries (TensorFlow.js, Dawn, Vega, the FFI library,
 * playwright, prom-client, systeminformation); the commands that use them load
 * them when they run. Each command runs through the built CLI with a recorder
 * of every module the process loads preloaded (tests/fixtures/record-loads.js);
 * the same recorder seeing those libraries where a command does use them shows
 * that an empty list means something.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fullReport } from '../fixtures/report.js';
import { ROOT, removeDir, runCli, tempDir, type CliResult } from '../helpers.js';

const dir = tempDir('startup-');
afterAll(() => removeDir(dir));

const RECORDER = pathToFileURL(join(ROOT, 'tests', 'fixtures', 'record-loads.js')).href;
/** The heavy packages, by the directory a loaded file lies in (every vega-* package counts as Vega; hdr-histogram-js: ~50 files). */
const HEAVY = /\/node_modules\/(@tensorflow\/[^/]+|webgpu|vega(?:-[\w-]+)?|koffi|playwright-core|prom-client|systeminformation|hdr-histogram-js)\//;

/** The packages the parser bundle holds, by the directory a loaded file lies in (string-width: replaced there). */
const PARSER_FILES = /\/node_modules\/(yargs|yargs-parser|cliui|y18n|wrap-ansi|string-width|emoji-regex)\//;

let runs = 0;

/** Runs the CLI with the recorder; what it printed, and every module file it loaded. */
async function recorded(args: string[]): Promise<{ result: CliResult; loaded: string[] }> {
  const log = join(dir, `loads-${runs++}.txt`);
  writeFileSync(log, '');
  const result = await runCli(args, { env: { NODE_OPTIONS: `--import=${RECORDER}`, FLOPMETER_TEST_LOADS: log } });
  expect(result.code, result.stderr.slice(0, 2000)).toBe(0);
  return { result, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** The heavy packages among the loaded files, each once, sorted. */
function heavyPackages(loaded: readonly string[]): string[] {
  return [...new Set(loaded.map((file) => HEAVY.exec(file)?.[1]).filter((name) => name !== undefined))].sort();
}

describe('commands that answer at once', () => {
  const report = join(dir, 'run.json');
  writeFileSync(report, JSON.stringify(fullReport()));
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

  const cases: Array<{ args: string[]; shows: (stdout: string) => void }> = [
    { args: ['--version'], shows: (out) => expect(out.trim()).toBe(version) },
    { args: ['--help'], shows: (out) => expect(out).toMatch(/flopmeter probes +List the standard probes/) },
    // The backends in the registry's order, from the ids alone.
    { args: ['probes'], shows: (out) => expect(out).toMatch(/^stream: [^\n]*\n {2}backends: cpu, cuda, webgpu\n/m) },
    { args: ['report', report], shows: (out) => expect(out).toContain(`\n${fullReport().results[0]!.id}\n`) },
  ];
  for (const c of cases) {
    it(`flopmeter ${c.args[0] === 'report' ? 'report FILE' : c.args.join(' ')} loads none of the heavy libraries`, async () => {
      const { result, loaded } = await recorded(c.args);
      c.shows(result.stdout);
      // The recorder saw the CLI's entry point, and the command-line parser exactly where it is used:
      // everywhere but `--version` alone, which is answered without it. The parser is the one bundle
      // (scripts/build-cli-bundle.ts): none of yargs' own files, nor string-width, is loaded.
      expect(loaded.some((f) => f.endsWith('/src/cli/main.js'))).toBe(true);
      expect(loaded.some((f) => f.endsWith('/src/cli/program.bundle.js'))).toBe(c.args[0] !== '--version');
      expect(loaded.filter((f) => PARSER_FILES.test(f))).toEqual([]);
      expect(heavyPackages(loaded)).toEqual([]);
      // Reading a report uses the validator compiled at build time: Ajv's compiler stays unloaded.
      expect(loaded.filter((f) => f.includes('/node_modules/ajv/dist/compile/'))).toEqual([]);
    });
  }
});

describe('the parser bundle', () => {
  it('holds yargs, its packages and the command specs, no heavy library, and leaves flopmeter\'s other modules to load as their own files', () => {
    // The build's record of what it bundled (scripts/build-cli-bundle.ts writes it beside the bundle).
    const inputs = JSON.parse(readFileSync(join(ROOT, 'dist', 'src', 'cli', 'program.bundle.js.inputs.json'), 'utf8')) as string[];
    expect(inputs).toEqual(expect.arrayContaining(['node_modules/yargs/index.mjs', 'node_modules/yargs-parser/build/lib/index.js', 'dist/src/cli/program.js']));
    expect(inputs.filter((f) => HEAVY.test(`/${f}`) || f.includes('string-width'))).toEqual([]);
    // Of flopmeter's own modules, only the parser layer of src/cli: no class or module state among them.
    const own = inputs.filter((f) => f.startsWith('dist/'));
    expect(own).toEqual(expect.arrayContaining(['dist/src/cli/program.js', 'dist/src/cli/text-width.js', 'dist/src/cli/commands/index.js', 'dist/src/cli/commands/report.js']));
    expect(own.filter((f) => !/^dist\/src\/cli\/(program|context|formats|text-width|commands\/[\w-]+)\.js$/.test(f))).toEqual([]);
    // Its imports of flopmeter's other modules are left as imports, one copy of each shared with the actions,
    // and each action is still loaded when its command runs, from where it lies.
    const bundle = readFileSync(join(ROOT, 'dist', 'src', 'cli', 'program.bundle.js'), 'utf8');
    expect(bundle).toMatch(/^import \{[^}]*UsageError[^}]*\} from "\.\/\.\.\/core\/errors\.js";$/m);
    expect(bundle).toMatch(/^import \{ ENGINE_IDS \} from "\.\/\.\.\/models\/tfjs\/engines\.js";$/m);
    expect(bundle).toContain('lazyRun(() => import("./actions/report.js"))');
  });

  it('lets yargs find its own files (its locales, the package.json it reads) where they are, as unbundled', () => {
    const bundlePath = join(ROOT, 'dist', 'src', 'cli', 'program.bundle.js');
    const shim = /fileURLToPath\(new URL\("([^"]+)", import\.meta\.url\)\)/.exec(readFileSync(bundlePath, 'utf8'));
    expect(shim?.[1]).toBeDefined();
    const own = fileURLToPath(new URL(shim![1]!, pathToFileURL(bundlePath)));
    expect(own).toBe(join(ROOT, 'node_modules', 'yargs', 'lib', 'platform-shims', 'esm.mjs'));
    expect(existsSync(join(own, '..', '..', '..', 'locales', 'en.json'))).toBe(true);
  });
});

describe('the heavy libraries load in the commands that use them', () => {
  it('report -o FILE.html loads Vega and Vega-Lite (ES modules)', async () => {
    const report = join(dir, 'html.json');
    writeFileSync(report, JSON.stringify(fullReport()));
    const { loaded } = await recorded(['report', report, '-o', join(dir, 'run.html')]);
    expect(heavyPackages(loaded)).toEqual(expect.arrayContaining(['vega', 'vega-lite']));
  });

  it('devices loads the FFI library and systeminformation, and what they require() is recorded too', async () => {
    const { loaded } = await recorded(['devices', '--json']);
    expect(heavyPackages(loaded)).toEqual(expect.arrayContaining(['koffi', 'systeminformation']));
    // systeminformation's own parts are loaded by require() only: seen through the module cache.
    expect(loaded.some((f) => f.includes('/node_modules/systeminformation/lib/cpu.js'))).toBe(true);
  });
});
