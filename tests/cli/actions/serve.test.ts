import { describe, expect, it } from 'vitest';
import { parseBytes, parseListen } from '../../../src/cli/actions/serve.js';

describe('parseListen', () => {
  it('reads host:port, :port and [v6]:port', () => {
    expect(parseListen('127.0.0.1:9877')).toEqual({ host: '127.0.0.1', port: 9877 });
    expect(parseListen(':9877')).toEqual({ host: '0.0.0.0', port: 9877 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen('node-7.example:80')).toEqual({ host: 'node-7.example', port: 80 });
  });

  it('rejects what is not an address', () => {
    for (const bad of ['9877', '127.0.0.1', '127.0.0.1:99999', '::1:9877', 'host:port']) expect(() => parseListen(bad)).toThrow(/expected host:port/);
  });
});

describe('parseBytes (--probe-max-bytes)', () => {
  it('reads bytes, decimal and binary suffixes', () => {
    expect(parseBytes('--x', '2147483648')).toBe(2 ** 31);
    expect(parseBytes('--x', '2Gi')).toBe(2 ** 31);
    expect(parseBytes('--x', '1.5GiB')).toBe(1.5 * 2 ** 30);
    expect(parseBytes('--x', '500M')).toBe(5e8);
  });

  it('rejects what is not a positive size, echoing it', () => {
    for (const bad of ['', 'abc', '-1', '0', '2 GB!', '1e9']) expect(() => parseBytes('--probe-max-bytes', bad)).toThrow(`--probe-max-bytes ${bad}: expected a positive number of bytes`);
  });
});
