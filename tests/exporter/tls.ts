/**
 * TLS for the exporter tests: a self-signed certificate for 127.0.0.1 made
 * by openssl, and GET requests over HTTPS that trust it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

/** Writes server.crt and server.key (valid one day for 127.0.0.1 and localhost) into `dir`; returns the certificate. */
export function makeCertificate(dir: string): Buffer {
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.crt')],
    { stdio: 'ignore' },
  );
  return readFileSync(join(dir, 'server.crt'));
}

export interface Reply {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

/** GET over HTTPS trusting `ca`, with basic auth from "user:password" (or a whole Authorization header). */
export function httpsGet(url: string, ca: Buffer, auth?: string, header?: string): Promise<Reply> {
  const authorization = header ?? (auth ? `Basic ${Buffer.from(auth).toString('base64')}` : undefined);
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: authorization ? { Authorization: authorization } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
