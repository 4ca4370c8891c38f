/**
 * `systemd-analyze verify` on deploy/flopmeter.service (systemd 252 on Debian
 * bookworm, installed by setup.sh). verify requires ExecStart's program to
 * exist, so the unit is checked as a copy whose ExecStart names a flopmeter
 * that is there (the repository's bin, or an installed one).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers.js';

export const UNIT = join(ROOT, 'deploy', 'flopmeter.service');

/** The unit's text with ExecStart running `program serve`. */
export function unitWithExecStart(text: string, program: string): string {
  return text.replace(/^ExecStart=\S+/m, `ExecStart=${program}`);
}

/** Verifies a unit's text as flopmeter.service: the exit status and everything systemd said (warnings included). */
export function verifyUnit(text: string): { code: number | null; output: string } {
  const path = join(tempDir('flopmeter-unit-'), 'flopmeter.service');
  writeFileSync(path, text);
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/** The shipped unit, made verifiable with `program` as its ExecStart. */
export function verifyShippedUnit(program: string, unitPath = UNIT): { code: number | null; output: string } {
  return verifyUnit(unitWithExecStart(readFileSync(unitPath, 'utf8'), program));
}
