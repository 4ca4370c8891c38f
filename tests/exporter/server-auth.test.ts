/**
 * The exporter behind TLS and basic auth, over real HTTPS with a certificate
 * openssl makes and real bcrypt hashes: in-process for the behaviour under a
 * flood of wrong passwords, and the built CLI for the start-up warnings.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Exporter } from '../../src/exporter/server.js';
import { loadWebConfig } from '../../src/exporter/web-config.js';
import { removeDir, requireComponent, tempDir } from '../helpers.js';
import { exporterOptions } from './in-process.js';
import { hasCommand, startServe } from './prometheus-tools.js';
import { httpsGet, makeCertificate } from './tls.js';

/** htpasswd -B's default cost: tens of milliseconds per comparison, so forty of them take seconds. */
const COST = 10;

describe('flopmeter serve behind TLS and basic auth, probe endpoint off', () => {
  let dir = '';
  let exporter: Exporter | undefined;
  let ca: Buffer;
  const get = (path: string, auth?: string, header?: string): ReturnType<typeof httpsGet> => httpsGet(`${exporter!.url}${path}`, ca, auth, header);

  beforeAll(async () => {
    if (!hasCommand('openssl')) return;
    dir = tempDir('tls-');
    ca = makeCertificate(dir);
    chmodSync(join(dir, 'server.key'), 0o600);
    writeFileSync(join(dir, 'web.yml'), `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  prometheus: ${bcrypt.hashSync('scrape-me', COST)}\n`);
    exporter = await Exporter.start(exporterOptions({ webConfig: loadWebConfig(join(dir, 'web.yml')), probeEndpoint: false }));
  });
  afterAll(async () => {
    await exporter?.stop();
    removeDir(dir);
  });

  it('serves HTTPS with the configured certificate, and asks for credentials (the scheme name in any case)', async (ctx) => {
    requireComponent(ctx, hasCommand('openssl'), 'openssl');
    expect(exporter!.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const anon = await get('/metrics');
    expect(anon.status).toBe(401);
    expect(anon.headers['www-authenticate']).toBe('Basic realm="flopmeter"');
    expect((await get('/metrics', 'prometheus:wrong')).status).toBe(401);
    expect((await get('/metrics', 'nobody:scrape-me')).status).toBe(401);
    const ok = await get('/metrics', 'prometheus:scrape-me');
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('flopmeter_build_info');
    const lower = await get('/metrics', undefined, `basic ${Buffer.from('prometheus:scrape-me').toString('base64')}`);
    expect(lower.status).toBe(200);
  });

  it('answers a valid scrape within a second while forty wrong passwords are being checked', async (ctx) => {
    requireComponent(ctx, hasCommand('openssl'), 'openssl');
    // A scraper's credentials are checked once, then remembered.
    expect((await get('/metrics', 'prometheus:scrape-me')).status).toBe(200);
    let wrongAnswered = 0;
    const wrong = Array.from({ length: 40 }, (_, i) =>
      get('/metrics', `${i % 2 ? 'prometheus' : `guess${i}`}:wrong${i}`).then((r) => {
        wrongAnswered++;
        return r.status;
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    const valid = await get('/metrics', 'prometheus:scrape-me');
    const seconds = (Date.now() - t0) / 1000;
    const answeredBefore = wrongAnswered;
    expect(valid.status).toBe(200);
    expect(seconds).toBeLessThan(1);
    // The flood was still being worked through when the scrape was answered: it did not wait for it.
    expect(answeredBefore).toBeLessThan(40);
    expect(await Promise.all(wrong)).toEqual(Array(40).fill(401));
  });

  it('refuses plain HTTP on the TLS port', async (ctx) => {
    requireComponent(ctx, hasCommand('openssl'), 'openssl');
    // Node's TLS server closes a connection that does not start with a TLS handshake.
    await expect(fetch(exporter!.url.replace('https:', 'http:') + '/metrics')).rejects.toThrow(/fetch failed/);
  });

  it('keeps /probe off unless enabled', async (ctx) => {
    requireComponent(ctx, hasCommand('openssl'), 'openssl');
    const r = await get('/probe?probe=stream', 'prometheus:scrape-me');
    expect(r.status).toBe(404);
    expect(r.body).toMatch(/--enable-probe-endpoint/);
  });
});

describe('flopmeter serve --web-config-file: warnings at start', () => {
  it('warns once on stderr of a world-readable TLS key and a malformed hash, and of a file that configures nothing', async (ctx) => {
    requireComponent(ctx, hasCommand('openssl'), 'openssl');
    const dir = tempDir('webcfg-cli-');
    try {
      makeCertificate(dir);
      chmodSync(join(dir, 'server.key'), 0o644);
      const hash = bcrypt.hashSync('x', 4);
      writeFileSync(join(dir, 'web.yml'), `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  bob: ${hash.slice(0, 40)}\n`);
      writeFileSync(join(dir, 'empty.yml'), '');
      const tls = await startServe(['--web-config-file', join(dir, 'web.yml')]);
      const plain = await startServe(['--web-config-file', join(dir, 'empty.yml')]);
      await Promise.all([tls.stop(), plain.stop()]);
      const warnings = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('warning: '));
      expect(warnings(tls.output())).toEqual([
        expect.stringMatching(/key_file .*server\.key is readable by every user/),
        expect.stringMatching(/basic_auth_users\.bob: malformed bcrypt hash/),
      ]);
      expect(warnings(plain.output())).toEqual([expect.stringMatching(/empty\.yml: configures neither TLS nor basic_auth_users: serving plain HTTP without authentication/)]);
      expect(tls.url).toMatch(/^https:/);
      expect(plain.url).toMatch(/^http:/);
    } finally {
      removeDir(dir);
    }
  });
});
