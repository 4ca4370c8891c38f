import { describe, expect, it } from 'vitest';
import { parseListen } from '../../../src/cli/commands/serve.js';

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
