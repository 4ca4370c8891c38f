import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWritable, defaultReportPath, writeAtomic } from '../../src/report/write.js';
import { UsageError } from '../../src/core/errors.js';
import { removeDir, tempDir } from '../helpers.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

describe('writing reports', () => {
  it('replaces the target atomically and leaves no temporary file', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir, 'r.json');
    writeFileSync(path, 'old');
    await writeAtomic(path, '{"new":true}');
    expect(readFileSync(path, 'utf8')).toBe('{"new":true}');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('checks before a run that the target can be written, naming the problem', async () => {
    const dir = tempDir();
    dirs.push(dir);
    await expect(checkWritable(join(dir, 'ok.json'))).resolves.toBeUndefined();
    expect(existsSync(join(dir, 'ok.json'))).toBe(false); // the check leaves nothing behind
    await expect(checkWritable(join(dir, 'missing', 'r.json'))).rejects.toThrow(/directory .* does not exist/);
    mkdirSync(join(dir, 'adir'));
    await expect(checkWritable(join(dir, 'adir'))).rejects.toThrow(UsageError);
    await expect(checkWritable(join(dir, 'adir'))).rejects.toThrow(/is a directory/);
    writeFileSync(join(dir, 'afile'), '');
    await expect(checkWritable(join(dir, 'afile', 'r.json'))).rejects.toThrow(/not a directory/);
  });

  it('names reports by UTC time', () => {
    expect(defaultReportPath(new Date('2026-11-22T09:08:07Z'))).toBe('flopmeter-20261122-090807.json');
  });
});
