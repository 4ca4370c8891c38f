import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers.js';

/** Runs a built benchmark script as `npm run bench:…` does, with `args`. */
const bench = (name: string, ...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', `${name}.js`), ...args], { encoding: 'utf8', timeout: 30_000 });

describe('a benchmark’s command line (bench/args.ts)', () => {
  it('prints its usage for --help and -h, and measures nothing', () => {
    for (const [name, flag, line] of [['repeat', '--help', '--history FILE'], ['cpu', '-h', '--threads N'], ['startup', '--help', '--report FILE'], ['exporter', '--help', '--connections N']] as const) {
      const r = bench(name, flag);
      expect(r.status, name).toBe(0);
      expect(r.stdout, name).toMatch(new RegExp(`^npm run bench:${name} -- \\[options\\]`));
      expect(r.stdout, name).toContain(line);
      expect(r.stderr, name).toBe('');
    }
  });

  it('answers an unknown option or a bad value with why and the usage, exit 2, no stack trace', () => {
    const cases = [
      { args: ['repeat', '--bogus'], why: /Unknown option '--bogus'/ },
      { args: ['repeat', '--runs', '2'], why: /^--runs 2: give a whole number ≥ 3/ },
      { args: ['repeat', '--from', join(tempDir(), 'none')], why: /^--from .*none: no such folder/ },
      { args: ['cpu', '--rounds', 'x'], why: /^--rounds x: give a whole number ≥ 1/ },
      { args: ['exporter', '--seconds', '0'], why: /^--seconds 0: give a whole number ≥ 1/ },
    ];
    for (const { args, why } of cases) {
      const r = bench(...(args as [string, ...string[]]));
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(why);
      expect(r.stderr, args.join(' ')).toMatch(/--help +this text/);
      expect(r.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
  });

  it('takes the GPU benchmarks’ common options with their own, and rejects a preset it does not know', () => {
    const help = bench('webgpu', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--device ID');
    expect(help.stdout).toContain('--rehearse');
    const bad = bench('webgpu', '--preset', 'slow');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^--preset slow: one of quick, standard/);
  });
});
