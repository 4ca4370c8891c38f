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
 * Passwords are checked by BasicAuth (basic-auth.ts). What is accepted but
 * probably not meant (a TLS key anyone may read, a hash no password can match,
 * a file that configures nothing) comes back as warnings for the start-up log.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { UsageError, describeError } from '../core/errors.js';
import { BCRYPT_HASH } from './basic-auth.js';

export interface WebConfig {
  tls: { cert: Buffer; key: Buffer; ca?: Buffer; requestClientCert: boolean } | null;
  /** Bcrypt hash by user name. */
  users: Map<string, string>;
  /** What the file allows but probably does not mean, one line each, for stderr at start. */
  warnings: string[];
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
  const warnings: string[] = [];
  const tls = d.tls_server_config === undefined || d.tls_server_config === null ? null : loadTls(path, d.tls_server_config, warnings);
  const users = loadUsers(path, d.basic_auth_users, warnings);
  if (!tls && users.size === 0) warnings.push(`--web-config-file ${path}: configures neither TLS nor basic_auth_users: serving plain HTTP without authentication`);
  return { tls, users, warnings };
}

function loadTls(path: string, value: unknown, warnings: string[]): NonNullable<WebConfig['tls']> {
  if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`--web-config-file ${path}: tls_server_config must be a mapping`);
  const t = value as Record<string, unknown>;
  const bad = Object.keys(t).filter((k) => !KNOWN_TLS.includes(k));
  if (bad.length) throw new UsageError(`--web-config-file ${path}: unknown key tls_server_config.${bad.join(', ')}`);
  const base = dirname(resolve(path));
  const file = (key: string, name: unknown): Buffer => {
    if (typeof name !== 'string' || name === '') throw new UsageError(`--web-config-file ${path}: tls_server_config.${key} must be a file path`);
    try {
      return readFileSync(resolve(base, name));
    } catch (err) {
      throw new UsageError(`--web-config-file ${path}: tls_server_config.${key}: ${describeError(err)}`);
    }
  };
  const cert = file('cert_file', t.cert_file);
  const key = file('key_file', t.key_file);
  const keyPath = resolve(base, String(t.key_file));
  // Others' read bit: any local user can take the server's identity.
  if (statSync(keyPath).mode & 0o004) warnings.push(`--web-config-file ${path}: tls_server_config.key_file ${keyPath} is readable by every user (chmod o-r it)`);
  const clientAuth = String(t.client_auth_type ?? 'NoClientCert');
  return {
    cert,
    key,
    ...(t.client_ca_file ? { ca: file('client_ca_file', t.client_ca_file) } : {}),
    requestClientCert: clientAuth !== 'NoClientCert',
  };
}

function loadUsers(path: string, value: unknown, warnings: string[]): Map<string, string> {
  const users = new Map<string, string>();
  if (value === undefined || value === null) return users;
  if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`--web-config-file ${path}: basic_auth_users must map user names to bcrypt hashes`);
  for (const [user, hash] of Object.entries(value as Record<string, unknown>)) {
    if (typeof hash !== 'string' || !/^\$2[abxy]?\$\d\d\$/.test(hash)) throw new UsageError(`--web-config-file ${path}: basic_auth_users.${user} is not a bcrypt hash`);
    if (!BCRYPT_HASH.test(hash)) {
      warnings.push(`--web-config-file ${path}: basic_auth_users.${user}: malformed bcrypt hash (expected $2a$, $2b$ or $2y$, a cost from 04 to 31 and 53 characters of salt and hash): no password can match it`);
    }
    users.set(user, hash);
  }
  return users;
}
