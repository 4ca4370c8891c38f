/**
 * The exporter's web configuration, in the format of the Prometheus
 * exporter-toolkit (so the same file serves node_exporter and flopmeter):
 *
 *   tls_server_config:
 *     cert_file: server.crt
 *     key_file: server.key
 *   basic_auth_users:
 *     alice: $2y$10$...        # bcrypt hash (htpasswd -B)
 *
 * Passwords are checked with bcrypt; a password already checked is remembered
 * (by its SHA-256) so that scrapes do not pay bcrypt's cost every time, as the
 * exporter-toolkit does.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import bcrypt from 'bcryptjs';
import { parse } from 'yaml';
import { UsageError, describeError } from '../core/errors.js';

export interface WebConfig {
  tls: { cert: Buffer; key: Buffer; ca?: Buffer; requestClientCert: boolean } | null;
  users: Map<string, string>;
}

const KNOWN_TOP = ['tls_server_config', 'basic_auth_users', 'http_server_config'];
const KNOWN_TLS = ['cert_file', 'key_file', 'client_auth_type', 'client_ca_file', 'min_version', 'max_version', 'cipher_suites', 'prefer_server_cipher_suites', 'curve_preferences'];

/** Reads and checks a web config file; a problem is a UsageError naming the file and the key. */
export function loadWebConfig(path: string): WebConfig {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8')) ?? {};
  } catch (err) {
    throw new UsageError(`--web-config-file ${path}: ${describeError(err)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UsageError(`--web-config-file ${path}: expected a mapping at the top level`);
  const d = doc as Record<string, unknown>;
  const unknown = Object.keys(d).filter((k) => !KNOWN_TOP.includes(k));
  if (unknown.length) throw new UsageError(`--web-config-file ${path}: unknown key ${unknown.join(', ')} (known: ${KNOWN_TOP.join(', ')})`);
  const base = dirname(resolve(path));
  const file = (key: string, value: unknown): Buffer => {
    if (typeof value !== 'string' || value === '') throw new UsageError(`--web-config-file ${path}: tls_server_config.${key} must be a file path`);
    try {
      return readFileSync(resolve(base, value));
    } catch (err) {
      throw new UsageError(`--web-config-file ${path}: tls_server_config.${key}: ${describeError(err)}`);
    }
  };
  let tls: WebConfig['tls'] = null;
  if (d.tls_server_config !== undefined && d.tls_server_config !== null) {
    const t = d.tls_server_config as Record<string, unknown>;
    const bad = Object.keys(t).filter((k) => !KNOWN_TLS.includes(k));
    if (bad.length) throw new UsageError(`--web-config-file ${path}: unknown key tls_server_config.${bad.join(', ')}`);
    const clientAuth = String(t.client_auth_type ?? 'NoClientCert');
    tls = {
      cert: file('cert_file', t.cert_file),
      key: file('key_file', t.key_file),
      ...(t.client_ca_file ? { ca: file('client_ca_file', t.client_ca_file) } : {}),
      requestClientCert: clientAuth !== 'NoClientCert',
    };
  }
  const users = new Map<string, string>();
  if (d.basic_auth_users !== undefined && d.basic_auth_users !== null) {
    if (typeof d.basic_auth_users !== 'object' || Array.isArray(d.basic_auth_users)) throw new UsageError(`--web-config-file ${path}: basic_auth_users must map user names to bcrypt hashes`);
    for (const [user, hash] of Object.entries(d.basic_auth_users as Record<string, unknown>)) {
      if (typeof hash !== 'string' || !/^\$2[abxy]?\$\d\d\$/.test(hash)) throw new UsageError(`--web-config-file ${path}: basic_auth_users.${user} is not a bcrypt hash`);
      users.set(user, hash);
    }
  }
  return { tls, users };
}

export class BasicAuth {
  private readonly verified = new Set<string>();

  constructor(private readonly users: Map<string, string>) {}

  get enabled(): boolean {
    return this.users.size > 0;
  }

  /** Whether an Authorization header carries a valid user and password. */
  async check(header: string | undefined): Promise<boolean> {
    if (!this.enabled) return true;
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/.exec(header ?? '');
    if (!m) return false;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const hash = this.users.get(user);
    if (!hash) return false;
    const key = createHash('sha256').update(`${user}\u0000${decoded.slice(colon + 1)}\u0000${hash}`).digest('hex');
    if (this.verified.has(key)) return true;
    const ok = await bcrypt.compare(decoded.slice(colon + 1), hash);
    if (ok) this.verified.add(key);
    return ok;
  }
}
