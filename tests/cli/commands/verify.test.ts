/**
 * A signed report with a forged repeated key, through the spawned CLI: JSON.parse keeps the last "value"
 * (the signed one), so the signature checked out while readers that keep the first saw the forgery.
 * The reader now refuses the file, so `verify` and `report` both exit 2 naming where.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fullReport } from '../../fixtures/report.js';
import { removeDir, runCli, tempDir } from '../../helpers.js';

const dir = tempDir('verify-cli-');
afterAll(() => removeDir(dir));

describe('flopmeter verify on a signed report with a forged repeated key', () => {
  it('is refused by verify and report with exit 2 and the path of the repeated key', async () => {
    const file = join(dir, 'signed.json');
    writeFileSync(file, JSON.stringify(fullReport()));
    expect((await runCli(['keygen', '--out', join(dir, 'lab')])).code).toBe(0);
    expect((await runCli(['sign', file, '--key', join(dir, 'lab.key')])).code).toBe(0);
    expect((await runCli(['verify', file, '--pubkey', join(dir, 'lab.pub')])).code).toBe(0);

    const signed = readFileSync(file, 'utf8');
    const forged = signed.replace(/("throughput":\s*\{)/, '$1 "value": 9e15,');
    expect(forged).not.toBe(signed);
    // The forgery is invisible to JSON.parse, which keeps the last "value": the signed one.
    expect(JSON.parse(forged)).toEqual(JSON.parse(signed));
    const forgedFile = join(dir, 'forged.json');
    writeFileSync(forgedFile, forged);

    for (const args of [['verify', forgedFile, '--pubkey', join(dir, 'lab.pub')], ['report', forgedFile]]) {
      const r = await runCli(args);
      expect(r.code, args[0]).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/forged\.json: at \/results\/0\/throughput\/value: duplicate key "value" at line \d+ column \d+/);
    }
  });
});
