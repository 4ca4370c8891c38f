/**
 * BasicAuth in-process: bcrypt against real hashes (on the real worker
 * thread, from the build), the scheme name in any case, and unknown users
 * costing a bcrypt comparison like known ones.
 */
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it } from 'vitest';
import { BasicAuth } from '../../src/exporter/basic-auth.js';

const basic = (user: string, password: string, scheme = 'Basic'): string => `${scheme} ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const auths: BasicAuth[] = [];
afterEach(async () => {
  await Promise.all(auths.splice(0).map((a) => a.close()));
});
function auth(users: Array<[string, string]>): BasicAuth {
  const a = new BasicAuth(new Map(users));
  auths.push(a);
  return a;
}

describe('BasicAuth', () => {
  it('lets everyone in when no users are configured', async () => {
    expect(await auth([]).check(undefined)).toBe(true);
  });

  it('checks user and password against the bcrypt hash', async () => {
    const a = auth([['alice', bcrypt.hashSync('s3cret', 4)]]);
    expect(await a.check(basic('alice', 's3cret'))).toBe(true);
    // Again, from the verified cache.
    expect(await a.check(basic('alice', 's3cret'))).toBe(true);
    expect(await a.check(basic('alice', 'wrong'))).toBe(false);
    expect(await a.check(basic('mallory', 's3cret'))).toBe(false);
    expect(await a.check(undefined)).toBe(false);
    expect(await a.check('Bearer abc')).toBe(false);
    expect(await a.check(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toBe(false);
  });

  it('accepts the scheme name in any case (RFC 7617), and nothing but basic', async () => {
    const a = auth([['alice', bcrypt.hashSync('s3cret', 4)]]);
    for (const scheme of ['basic', 'BASIC', 'bAsIc']) expect(await a.check(basic('alice', 's3cret', scheme))).toBe(true);
    expect(await a.check(basic('alice', 's3cret', 'Basics'))).toBe(false);
  });

  it('accepts passwords containing colons (only the first colon separates the user)', async () => {
    const a = auth([['bob', bcrypt.hashSync('a:b:c', 4)]]);
    expect(await a.check(basic('bob', 'a:b:c'))).toBe(true);
  });

  it('never lets in a user whose hash is malformed', async () => {
    const good = bcrypt.hashSync('s3cret', 4);
    const a = auth([['bob', good.slice(0, -1)]]);
    expect(await a.check(basic('bob', 's3cret'))).toBe(false);
  });

  it('does not answer an unknown user much faster than a wrong password (no user enumeration by timing)', async () => {
    // Cost 10, htpasswd -B's default: tens of milliseconds per comparison, far above the noise.
    const a = auth([['alice', bcrypt.hashSync('s3cret', 10)]]);
    const time = async (header: string): Promise<number> => {
      const t0 = performance.now();
      expect(await a.check(header)).toBe(false);
      return performance.now() - t0;
    };
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 5; i++) {
      unknown.push(await time(basic(`mallory${i}`, 'guess')));
      wrong.push(await time(basic('alice', `guess${i}`)));
    }
    const median = (xs: number[]): number => xs.sort((x, y) => x - y)[2]!;
    // Before the dummy comparison an unknown user took ~1 % of a wrong password's time; a generous bound.
    expect(median(unknown)).toBeGreaterThan(0.3 * median(wrong));
  });
});
