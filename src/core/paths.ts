/**
 * Where flopmeter's own files are: the package root, the built kernels and
 * the compiled worker scripts. Works both from the compiled tree (dist/) and
 * from TypeScript sources run by the test runner, which start workers from
 * the compiled copy (worker threads cannot load .ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The directory holding flopmeter's package.json. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const json = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string };
      if (json.name === 'flopmeter') return (cachedRoot = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('flopmeter: cannot find the package root');
    dir = parent;
  }
}

/** The compiled output directory. */
export function distDir(): string {
  return join(packageRoot(), 'dist');
}

/**
 * The compiled JavaScript for a module next to `fromUrl` (e.g. a worker
 * script): `workerScript(import.meta.url, 'worker')`. From a .ts source this
 * is the matching file under dist/.
 */
export function workerScript(fromUrl: string, name: string): string {
  const from = fileURLToPath(fromUrl);
  const dir = dirname(from);
  if (from.endsWith('.ts')) {
    const rel = relative(packageRoot(), dir);
    return join(distDir(), rel, `${name}.js`);
  }
  return join(dir, `${name}.js`);
}

/** Fails with a clear message when the build step has not run. */
export function requireBuilt(path: string): string {
  if (!existsSync(path)) {
    throw new Error(`flopmeter is not built (${relative(packageRoot(), path)} is missing): run "npm run build"`);
  }
  return path;
}

/**
 * flopmeter's cache folder for one kind of file (compiled CUDA kernels, V8
 * code caches): FLOPMETER_CACHE_DIR, else $XDG_CACHE_HOME/flopmeter, else
 * ~/.cache/flopmeter, with `kind` below it.
 */
export function userCacheDir(kind: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.FLOPMETER_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'flopmeter'), kind);
}

/** flopmeter's state folder, what it keeps between runs (unlike the cache, not rebuilt when lost): $XDG_STATE_HOME/flopmeter, else ~/.local/state/flopmeter. */
export function userStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'flopmeter');
}
