/**
 * Signed reports: Ed25519 over the canonical (RFC 8785) form, with digests
 * that let a verifier name what changed.
 *
 * The signature block (`report.signature`) holds SHA-256 digests of the
 * canonical forms of the report without its signature (`digests.report`), of
 * each top-level member, and of each member of each result (by result id).
 * Ed25519 signs SIGNATURE_CONTEXT followed by the canonical form of the block
 * without `value`, so it covers the algorithm, key id, time and every digest,
 * and through `digests.report` the whole report. Verifying is then two steps:
 * the Ed25519 check says whether the block is authentic; comparing its
 * digests with digests of the report as it is says what changed, down to one
 * member of one result (no deeper: a digest says that a member changed, not
 * where inside it).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { UsageError, describeError } from '../core/errors.js';
import { canonicalize, jsonPathMember } from './canonical.js';
import type { Report } from './types.js';

export const SIGNATURE_ALGORITHM = 'Ed25519';
export const CANONICALIZATION = 'JCS (RFC 8785)';

/**
 * Prefixed to the signed bytes (domain separation). Why: the same key could
 * sign other JSON documents; with the prefix, no signature made for anything
 * else verifies as a report signature, and none made here is valid elsewhere.
 */
export const SIGNATURE_CONTEXT = 'flopmeter/report-signature@1\n';

/** Bytes of SHA-256(SPKI DER) kept as the key id. Why 16: 128 bits cannot collide by chance, and 32 hex digits can still be read out and compared. */
const KEY_ID_BYTES = 16;

/** SHA-256 digests (64 lower-case hex digits each) of canonical (RFC 8785) forms. */
export interface ReportDigests {
  /** Of the whole report without its `signature` member. */
  report: string;
  /** Of each top-level member except `signature`, by member name. */
  members: Record<string, string>;
  /**
   * Of each member of each result: result key → member name → digest. The
   * key is the result's id; a repeated id gets "#2", "#3"… appended, and a
   * result without a string id is keyed "#<index>".
   */
  results: Record<string, Record<string, string>>;
}

/** The `signature` member of a signed report (schemas/report-1.schema.json). */
export interface ReportSignature {
  algorithm: typeof SIGNATURE_ALGORITHM;
  canonicalization: typeof CANONICALIZATION;
  /** First 16 bytes of SHA-256 of the public key's SPKI DER encoding, 32 hex digits. */
  keyId: string;
  /** When it was signed: ISO 8601, UTC. */
  signedAt: string;
  digests: ReportDigests;
  /** The 64-byte Ed25519 signature of SIGNATURE_CONTEXT + canonical(this block without `value`), base64. */
  value: string;
}

/** A new key pair as PEM text: PKCS#8 private key, SPKI public key. */
export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** What verifying found. */
export interface Verification {
  /** True only when the signature is authentic for the given key and nothing in the report changed. */
  valid: boolean;
  /** The key id the signature block names (null when unsigned or unreadable). */
  keyId: string | null;
  /** When the signature block says it was signed, ISO 8601 (null when unsigned or unreadable). */
  signedAt: string | null;
  /** Every problem found, one line each, naming what changed; empty when valid. */
  problems: string[];
}

/** A key that cannot be used: not PEM, not Ed25519, or the wrong half of the pair. */
export class KeyError extends UsageError {}

export function generateKeyPair(): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** An Ed25519 private key from PKCS#8 PEM text; `source` names it in errors (e.g. the file). */
export function parsePrivateKey(pem: string, source = 'the private key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new KeyError(`${source}: not a PEM private key (${describeError(err)})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyError(`${source}: a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  return key;
}

/** An Ed25519 public key from SPKI PEM text; a private key is refused, so the two files cannot be swapped unnoticed. */
export function parsePublicKey(pem: string, source = 'the public key'): KeyObject {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) throw new KeyError(`${source}: a private key; give the public key (the .pub file)`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new KeyError(`${source}: not a PEM public key (${describeError(err)})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyError(`${source}: a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  return key;
}

/** The key id of a public key (or of a private key's public half): the first 16 bytes of SHA-256 of its SPKI DER, hex. */
export function keyIdOf(key: KeyObject | string): string {
  const obj = typeof key === 'string' ? parsePublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  const der = obj.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest().subarray(0, KEY_ID_BYTES).toString('hex');
}

/** SHA-256, hex, of a value's canonical form. */
function digest(value: unknown): string {
  return createHash('sha256').update(canonicalize(value), 'utf8').digest('hex');
}

function withoutSignature(report: object): Record<string, unknown> {
  const { signature: _signature, ...rest } = report as Record<string, unknown>;
  return rest;
}

/** The keys under which digests list results: ids, made unique (see ReportDigests.results). */
function resultKeys(results: readonly unknown[]): string[] {
  const seen = new Map<string, number>();
  return results.map((r, i) => {
    const id = typeof r === 'object' && r !== null && typeof (r as { id?: unknown }).id === 'string' ? (r as { id: string }).id : null;
    if (id === null) return `#${i}`;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n === 1 ? id : `${id}#${n}`;
  });
}

function memberDigests(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { '': digest(value) };
  return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, digest(v)]));
}

/** The digests of a report as it is (its `signature` member ignored). Throws NotJsonError for a value JSON cannot hold. */
export function reportDigests(report: object): ReportDigests {
  const unsigned = withoutSignature(report);
  const results = Array.isArray(unsigned.results) ? (unsigned.results as unknown[]) : [];
  const keys = resultKeys(results);
  return {
    report: digest(unsigned),
    members: Object.fromEntries(Object.entries(unsigned).map(([name, v]) => [name, digest(v)])),
    results: Object.fromEntries(results.map((r, i) => [keys[i]!, memberDigests(r)])),
  };
}

/** The bytes Ed25519 signs: the context, then the canonical block without `value`. */
function signedBytes(block: Omit<ReportSignature, 'value'>): Buffer {
  return Buffer.from(SIGNATURE_CONTEXT + canonicalize(block), 'utf8');
}

/**
 * A copy of the report with a `signature` member (replacing any earlier one).
 * The report must hold JSON values only (as one read from a file does).
 */
export function signReport(report: Report, privateKey: KeyObject | string, now: Date = new Date()): Report {
  const key = typeof privateKey === 'string' ? parsePrivateKey(privateKey) : privateKey;
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') throw new KeyError('signing needs an Ed25519 private key');
  const unsigned = withoutSignature(report) as Omit<Report, 'signature'>;
  const block: Omit<ReportSignature, 'value'> = {
    algorithm: SIGNATURE_ALGORITHM,
    canonicalization: CANONICALIZATION,
    keyId: keyIdOf(key),
    signedAt: now.toISOString(),
    digests: reportDigests(unsigned),
  };
  const value = sign(null, signedBytes(block), key).toString('base64');
  return { ...unsigned, signature: { ...block, value } };
}

const HEX64 = /^[0-9a-f]{64}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isDigestMap(v: unknown): v is Record<string, string> {
  return isRecord(v) && Object.values(v).every((d) => typeof d === 'string' && HEX64.test(d));
}

/** What is wrong with the shape of a signature block, or null when it is well formed. */
function malformation(sig: Record<string, unknown>): string | null {
  if (sig.algorithm !== SIGNATURE_ALGORITHM) return `algorithm ${JSON.stringify(sig.algorithm)} is not supported (only ${SIGNATURE_ALGORITHM})`;
  if (sig.canonicalization !== CANONICALIZATION) return `canonicalization ${JSON.stringify(sig.canonicalization)} is not supported (only ${CANONICALIZATION})`;
  if (typeof sig.keyId !== 'string') return 'keyId is missing';
  if (typeof sig.signedAt !== 'string') return 'signedAt is missing';
  if (typeof sig.value !== 'string') return 'value is missing';
  const d = sig.digests;
  if (!isRecord(d) || typeof d.report !== 'string' || !isDigestMap(d.members) || !isRecord(d.results) || !Object.values(d.results).every(isDigestMap)) {
    return 'digests are missing or not SHA-256 hex digests';
  }
  return null;
}

function resultPath(key: string): string {
  return `results[${JSON.stringify(key)}]`;
}

/** What differs between the digests in a signature block and those of the report as it is, one line each. */
export function compareDigests(signed: ReportDigests, now: ReportDigests, resultsIsArray = true): string[] {
  const problems: string[] = [];
  const has = Object.hasOwn;
  for (const name of Object.keys(now.members)) {
    if (!has(signed.members, name)) problems.push(`a top-level member was added: ${name}`);
    else if (name !== 'results' && signed.members[name] !== now.members[name]) problems.push(`${name} changed`);
  }
  for (const name of Object.keys(signed.members)) if (!has(now.members, name)) problems.push(`a top-level member was removed: ${name}`);
  if (has(signed.members, 'results') && has(now.members, 'results') && signed.members.results !== now.members.results) {
    const before = problems.length;
    if (!resultsIsArray) problems.push('results changed (no longer an array)');
    // One at a time: a report can have more results than a call may take arguments.
    else for (const p of compareResults(signed.results, now.results)) problems.push(p);
    // Every result as signed, but the list differs: the order changed (or the signed digests are inconsistent).
    if (problems.length === before) problems.push('results were reordered');
  }
  if (problems.length === 0 && signed.report !== now.report) problems.push("the whole report's digest differs");
  return problems;
}

function compareResults(signed: ReportDigests['results'], now: ReportDigests['results']): string[] {
  const problems: string[] = [];
  const has = Object.hasOwn;
  for (const key of Object.keys(signed)) if (!has(now, key)) problems.push(`a result was removed: ${key}`);
  for (const key of Object.keys(now)) {
    if (!has(signed, key)) {
      problems.push(`a result was added: ${key}`);
      continue;
    }
    const was = signed[key]!;
    const is = now[key]!;
    const path = resultPath(key);
    for (const name of Object.keys(is)) {
      if (!has(was, name)) problems.push(`${jsonPathMember(path, name)} was added`);
      else if (was[name] !== is[name]) problems.push(`${jsonPathMember(path, name)} changed`);
    }
    for (const name of Object.keys(was)) if (!has(is, name)) problems.push(`${jsonPathMember(path, name)} was removed`);
  }
  return problems;
}

/** The digests of the report as it is, or a problem line when part of it is not JSON (only possible in memory). */
function currentDigests(report: object): ReportDigests | string {
  try {
    return reportDigests(report);
  } catch (err) {
    return `the report cannot be canonicalized: ${describeError(err)}`;
  }
}

function ed25519Verifies(block: Record<string, unknown>, key: KeyObject): boolean {
  const { value, ...signed } = block;
  try {
    return verify(null, signedBytes(signed as Omit<ReportSignature, 'value'>), key, Buffer.from(value as string, 'base64'));
  } catch {
    return false;
  }
}

/**
 * Checks a report's signature against a public key (PEM text or a parsed
 * key) and names everything that changed since it was signed.
 */
export function verifyReport(report: object, publicKey: KeyObject | string): Verification {
  const key = typeof publicKey === 'string' ? parsePublicKey(publicKey) : publicKey;
  const sig: unknown = (report as { signature?: unknown }).signature;
  if (sig === undefined) return { valid: false, keyId: null, signedAt: null, problems: ['not signed'] };
  if (!isRecord(sig)) return { valid: false, keyId: null, signedAt: null, problems: ['the signature block is malformed: not an object'] };
  const keyId = typeof sig.keyId === 'string' ? sig.keyId : null;
  const signedAt = typeof sig.signedAt === 'string' ? sig.signedAt : null;
  const bad = malformation(sig);
  if (bad) return { valid: false, keyId, signedAt, problems: [`the signature block is malformed: ${bad}`] };

  const now = currentDigests(report);
  const signedDigests = sig.digests as ReportDigests;
  const differences = typeof now === 'string' ? [now] : compareDigests(signedDigests, now, Array.isArray((report as { results?: unknown }).results));
  const ours = keyIdOf(key);
  if (keyId !== ours) {
    return { valid: false, keyId, signedAt, problems: [`signed by another key (keyId ${keyId}; the given public key's is ${ours})`, ...unauthenticated(differences)] };
  }
  if (!ed25519Verifies(sig, key)) {
    const altered = `the signature block itself was altered: its Ed25519 signature does not verify with key ${ours}, so nothing in the report can be trusted`;
    return { valid: false, keyId, signedAt, problems: [altered, ...unauthenticated(differences)] };
  }
  return { valid: differences.length === 0, keyId, signedAt, problems: differences };
}

/** Differences against digests whose signature did not verify: they may be in the report or in the digests. */
function unauthenticated(differences: string[]): string[] {
  return differences.map((d) => `the report and the unverified digests in its signature block disagree: ${d}`);
}
