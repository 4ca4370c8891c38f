/**
 * Build step: the command-line parser as one file. yargs and the packages it
 * imports are some 60 small ES modules, and Node.js resolving and loading them
 * one by one took longer than Node.js takes to start; bundled with
 * src/cli/program.ts into dist/src/cli/program.bundle.js (which
 * src/cli/main.ts loads) they load as one, with the command specs
 * (src/cli/commands/) and the few modules of plain data and functions they
 * import from src/cli (OWN_BUNDLED). Every other flopmeter module stays its own
 * file, imported from the bundle as before, so that what a command loads later
 * shares it (one UsageError class, one module state); an action module, loaded
 * by a dynamic import, stays one too. string-width is replaced by
 * src/cli/text-width.ts (why there). The step fails when the bundle would hold
 * anything else (tests/cli/startup.test.ts checks what the CLI loads).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { distDir, packageRoot } from '../src/core/paths.js';

const cliDir = join(distDir(), 'src', 'cli');
const entry = join(cliDir, 'program.js');
/** Where the bundle is written: beside program.js, so that its own relative imports stay right. */
export const BUNDLE = join(cliDir, 'program.bundle.js');
/** The packages the parser may bring in (yargs 18's dependencies); anything else in the bundle is a mistake. */
/**
 * flopmeter's modules the bundle holds: the parser layer, no class or module
 * state among them, so that a second copy an action loads is harmless.
 */
const OWN_BUNDLED = /^(program|context|formats|text-width|commands\/[\w-]+)\.js$/;
const PARSER_PACKAGES = /^(yargs|yargs-parser|cliui|y18n|escalade|get-caller-file|wrap-ansi|strip-ansi|ansi-regex|ansi-styles)$/;
/** yargs' platform shim, which finds yargs' files (its locales, the package.json above it) from its own URL. */
const YARGS_SHIM = join(packageRoot(), 'node_modules', 'yargs', 'lib', 'platform-shims', 'esm.mjs');
const SHIM_URL = 'const __dirname = fileURLToPath(import.meta.url);';

/** The package a file in node_modules belongs to, or undefined for flopmeter's own files. */
function packageOf(file: string): string | undefined {
  const parts = relative(join(packageRoot(), 'node_modules'), file).split('/');
  if (parts[0] === '..' || parts[0] === undefined) return undefined;
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** Keeps flopmeter's modules out of the bundle, puts text-width.ts in string-width's place, and repoints yargs' shim. */
const parserOnly: Plugin = {
  name: 'flopmeter-parser-only',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, () => ({ path: 'string-width', namespace: 'text-width' }));
    b.onLoad({ filter: /.*/, namespace: 'text-width' }, () => ({
      contents: `export { textWidth as default } from ${JSON.stringify(join(cliDir, 'text-width.js'))};`,
      resolveDir: cliDir,
    }));
    b.onResolve({ filter: /^\./ }, (args) => {
      if (packageOf(args.importer) !== undefined) return undefined;
      const file = join(args.resolveDir, args.path);
      if (args.kind !== 'dynamic-import' && OWN_BUNDLED.test(relative(cliDir, file))) return undefined;
      return { path: `./${relative(cliDir, file)}`, external: true };
    });
    b.onLoad({ filter: /platform-shims\/esm\.mjs$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (args.path !== YARGS_SHIM || !text.includes(SHIM_URL)) throw new Error(`yargs' platform shim changed (${args.path}): update scripts/build-cli-bundle.ts`);
      // The shim's own location, worked out from the bundle's: yargs finds its files as when unbundled.
      const own = `fileURLToPath(new URL(${JSON.stringify(relative(cliDir, YARGS_SHIM))}, import.meta.url))`;
      return { contents: text.replace(SHIM_URL, `const __dirname = ${own};`), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

const result = await build({
  entryPoints: [entry],
  outfile: BUNDLE,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  metafile: true,
  logLevel: 'warning',
  plugins: [parserOnly],
});
// The bundle's files (the text-width namespace's one line of glue left out).
const bundled = Object.keys(result.metafile.inputs).filter((input) => !input.includes(':')).map((input) => join(packageRoot(), input));
const strays = bundled.filter((file) => !OWN_BUNDLED.test(relative(cliDir, file)) && !PARSER_PACKAGES.test(packageOf(file) ?? ''));
if (strays.length > 0) throw new Error(`the CLI bundle would hold more than the parser: ${strays.map((f) => relative(packageRoot(), f)).join(', ')}`);
writeFileSync(`${BUNDLE}.inputs.json`, `${JSON.stringify(bundled.map((f) => relative(packageRoot(), f)).sort(), null, 1)}\n`);
console.log(`bundled the command-line parser (${bundled.length} modules) into ${pathToFileURL(BUNDLE).href}`);
