import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { envDigest } from '../../../src/measure/external/env-digest.js';

describe('the environment digest', () => {
  it('is sha256 over the sorted NAME=value lines of the listed variables and families, names kept, others left out', () => {
    const env = { OMP_NUM_THREADS: '8', CUDA_VISIBLE_DEVICES: '0,1', TF_ENABLE_ONEDNN_OPTS: '0', HOME: '/root', PATH: '/bin' };
    const expected = createHash('sha256').update('CUDA_VISIBLE_DEVICES=0,1\nOMP_NUM_THREADS=8\nTF_ENABLE_ONEDNN_OPTS=0\n').digest('hex');
    expect(envDigest(env)).toEqual({ digest: `sha256:${expected}`, names: ['CUDA_VISIBLE_DEVICES', 'OMP_NUM_THREADS', 'TF_ENABLE_ONEDNN_OPTS'] });
  });

  it('changes with a value, not with unrelated variables', () => {
    const a = envDigest({ OMP_NUM_THREADS: '8', HOME: '/a' });
    expect(envDigest({ OMP_NUM_THREADS: '8', HOME: '/b' }).digest).toBe(a.digest);
    expect(envDigest({ OMP_NUM_THREADS: '4', HOME: '/a' }).digest).not.toBe(a.digest);
  });
});
