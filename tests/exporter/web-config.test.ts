import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it } from 'vitest';
import { BasicAuth, loadWebConfig } from '../../src/exporter/web-config.js';
import { removeDir, tempDir } from '../helpers.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function configFile(text: string, files: Record<string, string> = {}): string {
  const dir = tempDir('webcfg-');
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const path = join(dir, 'web.yml');
  writeFileSync(path, text);
  return path;
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('loadWebConfig (exporter-toolkit format)', () => {
  it('reads TLS files relative to the config file and bcrypt users', () => {
    const hash = bcrypt.hashSync('s3cret', 4);
    const path = configFile(`tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  alice: ${hash}\n`, { 'tls.crt': 'CERT', 'tls.key': 'KEY' });
    const c = loadWebConfig(path);
    expect(c.tls!.cert.toString()).toBe('CERT');
    expect(c.tls!.key.toString()).toBe('KEY');
    expect(c.tls!.requestClientCert).toBe(false);
    expect(c.users.get('alice')).toBe(hash);
  });

  it('accepts an empty file (no TLS, no users)', () => {
    expect(loadWebConfig(configFile(''))).toEqual({ tls: null, users: new Map() });
  });

  it('names the file and the key in every error', () => {
    expect(() => loadWebConfig(configFile('tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n'))).toThrow(/web\.yml: tls_server_config\.cert_file: .*no such file/i);
    expect(() => loadWebConfig(configFile('basic_auth_users:\n  bob: plaintext\n'))).toThrow(/basic_auth_users\.bob is not a bcrypt hash/);
    expect(() => loadWebConfig(configFile('tls_config: {}\n'))).toThrow(/unknown key tls_config/);
    expect(() => loadWebConfig(configFile('tls_server_config:\n  certfile: x\n'))).toThrow(/unknown key tls_server_config\.certfile/);
    expect(() => loadWebConfig(configFile('- a\n- b\n'))).toThrow(/expected a mapping/);
    expect(() => loadWebConfig(configFile('a: [\n'))).toThrow(/web\.yml/);
    expect(() => loadWebConfig('/nonexistent/web.yml')).toThrow(/\/nonexistent\/web\.yml/);
  });
});

describe('BasicAuth', () => {
  it('lets everyone in when no users are configured', async () => {
    expect(await new BasicAuth(new Map()).check(undefined)).toBe(true);
  });

  it('checks user and password against the bcrypt hash', async () => {
    const auth = new BasicAuth(new Map([['alice', bcrypt.hashSync('s3cret', 4)]]));
    expect(await auth.check(basic('alice', 's3cret'))).toBe(true);
    // Again, from the verified cache.
    expect(await auth.check(basic('alice', 's3cret'))).toBe(true);
    expect(await auth.check(basic('alice', 'wrong'))).toBe(false);
    expect(await auth.check(basic('mallory', 's3cret'))).toBe(false);
    expect(await auth.check(undefined)).toBe(false);
    expect(await auth.check('Bearer abc')).toBe(false);
    expect(await auth.check(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toBe(false);
  });

  it('accepts passwords containing colons (only the first colon separates the user)', async () => {
    const auth = new BasicAuth(new Map([['bob', bcrypt.hashSync('a:b:c', 4)]]));
    expect(await auth.check(basic('bob', 'a:b:c'))).toBe(true);
  });
});
