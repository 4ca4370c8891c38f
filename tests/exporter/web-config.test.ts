import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWebConfig } from '../../src/exporter/web-config.js';
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

  it('accepts an empty file (no TLS, no users), with a warning that it serves plain HTTP to anyone', () => {
    const c = loadWebConfig(configFile(''));
    expect(c.tls).toBeNull();
    expect(c.users.size).toBe(0);
    expect(c.warnings).toEqual([expect.stringMatching(/web\.yml: configures neither TLS nor basic_auth_users: serving plain HTTP without authentication/)]);
  });

  it('warns of a TLS key every user may read, and of a bcrypt hash no password can match', () => {
    const good = bcrypt.hashSync('s3cret', 4);
    const text = `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  alice: ${good}\n  bob: ${good.slice(0, -1)}\n  carol: $2b$99$${good.slice(7)}\n`;
    const path = configFile(text, { 'tls.crt': 'CERT', 'tls.key': 'KEY' });
    const key = join(path, '..', 'tls.key');
    chmodSync(key, 0o644);
    const open = loadWebConfig(path);
    expect(open.warnings).toHaveLength(3);
    expect(open.warnings[0]).toMatch(/tls_server_config\.key_file .*tls\.key is readable by every user/);
    expect(open.warnings[1]).toMatch(/basic_auth_users\.bob: malformed bcrypt hash/);
    expect(open.warnings[2]).toMatch(/basic_auth_users\.carol: malformed bcrypt hash/);
    // The well-formed hash and a key only its owner (and group) may read: nothing to say.
    chmodSync(key, 0o640);
    writeFileSync(path, `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  alice: ${good}\n`);
    expect(loadWebConfig(path).warnings).toEqual([]);
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
