import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import fc from 'fast-check';
import yargs from 'yargs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/backends/cpu/index.js';
import { UsageError } from '../../src/core/errors.js';
import { parseOverride } from '../../src/measure/plan.js';
import { runSuite } from '../../src/measure/suite.js';
import { findProbe } from '../../probes/index.js';
import { buildReport, serializeReport } from '../../src/report/build.js';
import { parseReport } from '../../src/report/read.js';
import { generateKeyPair, keyIdOf, signReport, verifyReport, type KeyPairPem } from '../../src/report/signature.js';
import type { Report } from '../../src/report/types.js';
import { validateReport } from '../../src/report/validate.js';
import { keygenCommand } from '../../src/cli/commands/keygen.js';
import { signCommand } from '../../src/cli/commands/sign.js';
import { verifyCommand } from '../../src/cli/commands/verify.js';
import type { CommandContext, CommandSpec } from '../../src/cli/context.js';
import { expectValidReport, liveRapl, removeDir, tempDir } from '../helpers.js';

const SIGNED_AT = new Date('2026-11-22T10:30:00.000Z');

let report: Report;
let keys: KeyPairPem;
let other: KeyPairPem;
let signed: Report;
let dir: string;

/** A real report, as read back from its file: two STREAM results on the CPU, with power from a fake RAPL counter. */
async function realReport(): Promise<Report> {
  const root = tempDir('rapl-');
  const rapl = await liveRapl(root, 40);
  try {
    const outcome = await runSuite({
      backends: [cpuBackend],
      explicitBackends: true,
      probes: [findProbe('stream')!],
      preset: 'quick',
      overrides: [parseOverride('stream.n=2^16'), parseOverride('stream.op=copy,triad')],
      threads: 2,
      seed: 7,
      fixedWindows: 2,
      telemetry: true,
      powercapRoot: root,
      signal: new AbortController().signal,
    });
    const built = await buildReport({ outcome, argv: ['run'], seed: 7, backends: ['cpu'], probes: ['stream'], params: [], telemetry: true });
    return parseReport(serializeReport(built), 'the test report');
  } finally {
    rapl.stop();
    removeDir(root);
  }
}

beforeAll(async () => {
  report = await realReport();
  keys = generateKeyPair();
  other = generateKeyPair();
  signed = signReport(report, keys.privateKeyPem, SIGNED_AT);
  dir = tempDir('signature-');
}, 60_000);

afterAll(() => removeDir(dir));

function copy<T>(value: T): T {
  return structuredClone(value);
}

describe('signing and verifying a report', () => {
  it('round-trips: a signed report verifies with the public key, in memory and through its JSON text', () => {
    expect(report.results.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(verifyReport(signed, keys.publicKeyPem)).toEqual({ valid: true, keyId: keyIdOf(keys.publicKeyPem), signedAt: SIGNED_AT.toISOString(), problems: [] });
    expect(verifyReport(parseReport(serializeReport(signed), 'signed.json'), keys.publicKeyPem).valid).toBe(true);
    expect(report.signature).toBeUndefined(); // signing copies
  });

  it('writes the documented signature block, and a signed report still conforms to the schema', () => {
    const sig = signed.signature!;
    expect(sig.algorithm).toBe('Ed25519');
    expect(sig.canonicalization).toBe('JCS (RFC 8785)');
    expect(sig.keyId).toMatch(/^[0-9a-f]{32}$/);
    expect(sig.value).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(Object.keys(sig.digests.members).sort()).toEqual(Object.keys(report).sort());
    expect(Object.keys(sig.digests.results)).toEqual(report.results.map((r) => r.id));
    expect(Object.keys(sig.digests.results[report.results[0]!.id]!).sort()).toEqual(Object.keys(report.results[0]!).sort());
    expectValidReport(signed);
  });

  it('the schema refuses a malformed signature block, saying where', () => {
    const bad = (patch: Record<string, unknown>): string[] => validateReport({ ...signed, signature: { ...signed.signature, ...patch } }).map((p) => p.path);
    expect(bad({ keyId: 'not-hex' })).toContain('/signature/keyId');
    expect(bad({ value: 'short' })).toContain('/signature/value');
    expect(bad({ algorithm: 'RSA' })).toContain('/signature/algorithm');
    expect(bad({ extra: 1 }).length).toBeGreaterThan(0);
    const { value: _value, ...noValue } = signed.signature!;
    expect(validateReport({ ...signed, signature: noValue }).length).toBeGreaterThan(0);
  });

  it('says "not signed" for a report without a signature', () => {
    expect(verifyReport(report, keys.publicKeyPem)).toEqual({ valid: false, keyId: null, signedAt: null, problems: ['not signed'] });
  });

  it('re-signing replaces the signature; the other key is then "another key"', () => {
    const resigned = signReport(signed, other.privateKeyPem, SIGNED_AT);
    expect(verifyReport(resigned, other.publicKeyPem).valid).toBe(true);
    const v = verifyReport(resigned, keys.publicKeyPem);
    expect(v.valid).toBe(false);
    expect(v.problems).toEqual([`signed by another key (keyId ${keyIdOf(other.publicKeyPem)}; the given public key's is ${keyIdOf(keys.publicKeyPem)})`]);
  });

  it('fails with the wrong public key, naming it another key', () => {
    const v = verifyReport(signed, other.publicKeyPem);
    expect(v.valid).toBe(false);
    expect(v.problems[0]).toMatch(/^signed by another key \(keyId [0-9a-f]{32}; /);
  });

  it('fails when the signature value, the time or a digest is altered: the signature block itself', () => {
    const altered = /^the signature block itself was altered/;
    const value = copy(signed);
    const bytes = Buffer.from(value.signature!.value, 'base64');
    bytes[10]! ^= 1;
    value.signature!.value = bytes.toString('base64');
    expect(verifyReport(value, keys.publicKeyPem).problems).toEqual([expect.stringMatching(altered)]);

    const time = copy(signed);
    time.signature!.signedAt = '2020-01-01T00:00:00.000Z';
    expect(verifyReport(time, keys.publicKeyPem).problems).toEqual([expect.stringMatching(altered)]);

    const digest = copy(signed);
    digest.signature!.digests.members.host = '0'.repeat(64);
    expect(verifyReport(digest, keys.publicKeyPem).problems).toEqual([expect.stringMatching(altered), 'the report and the unverified digests in its signature block disagree: host changed']);

    const whole = copy(signed);
    whole.signature!.digests.report = '0'.repeat(64);
    expect(verifyReport(whole, keys.publicKeyPem).problems).toEqual([expect.stringMatching(altered), "the report and the unverified digests in its signature block disagree: the whole report's digest differs"]);
  });

  it('a changed report with digests updated to match still fails: the signature block was altered', () => {
    const forged = copy(signed);
    forged.host.hostname = 'elsewhere';
    const honest = signReport(forged, other.privateKeyPem, SIGNED_AT);
    forged.signature!.digests = honest.signature!.digests;
    expect(verifyReport(forged, keys.publicKeyPem).problems).toEqual([expect.stringMatching(/^the signature block itself was altered/)]);
  });

  it('names removed, added and reordered results, and a malformed signature block', () => {
    const [first, second] = signed.results;
    const removed = copy(signed);
    removed.results.splice(0, 1);
    expect(verifyReport(removed, keys.publicKeyPem).problems).toEqual([`a result was removed: ${first!.id}`]);

    const added = copy(signed);
    added.results.push({ ...copy(second!), id: 'cpu0/stream/op=scale,dtype=f64,n=65536' });
    expect(verifyReport(added, keys.publicKeyPem).problems).toEqual(['a result was added: cpu0/stream/op=scale,dtype=f64,n=65536']);

    const reordered = copy(signed);
    reordered.results.reverse();
    expect(verifyReport(reordered, keys.publicKeyPem).problems).toEqual(['results were reordered']);

    const rsa = copy(signed) as unknown as { signature: Record<string, unknown> };
    rsa.signature.algorithm = 'RSA';
    expect(verifyReport(rsa, keys.publicKeyPem).problems).toEqual(['the signature block is malformed: algorithm "RSA" is not supported (only Ed25519)']);
  });
});

type PathKey = string | number;

/** Every path in the report, the root and containers included: each is a place a tamper can happen. */
function allPaths(value: unknown, at: PathKey[] = []): PathKey[][] {
  const here = [at];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => allPaths(v, [...at, i])));
  if (value && typeof value === 'object') return here.concat(...Object.entries(value).map(([k, v]) => allPaths(v, [...at, k])));
  return here;
}

function getAt(root: unknown, path: readonly PathKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<PathKey, unknown>)[k], root);
}

/** Changes the value at `path` in place, as the property test's `choice` picks; returns what it did. */
function tamper(root: Record<string, unknown>, path: readonly PathKey[], choice: number): string {
  const parent = path.length ? getAt(root, path.slice(0, -1)) as Record<PathKey, unknown> : null;
  const key = path[path.length - 1]!;
  const v = getAt(root, path);
  const set = (x: unknown): void => void (parent![key] = x);
  if (typeof v === 'number') {
    const candidates = [v + 1, v * 1.0001];
    let x = candidates[choice % 2]!;
    if (x === v || !Number.isFinite(x)) x = v + 1 !== v ? v + 1 : v * 2;
    set(x);
    return `number ${v} → ${x}`;
  }
  if (typeof v === 'string') {
    set(choice % 2 ? `${v}~` : `${v.startsWith('a') ? 'b' : 'a'}${v.slice(1)}`);
    return 'string altered';
  }
  if (typeof v === 'boolean') {
    set(!v);
    return 'boolean flipped';
  }
  if (v === null) {
    set(0);
    return 'null → 0';
  }
  if (Array.isArray(v)) {
    if (v.length) v.splice(choice % v.length, 1);
    else v.push(0);
    return v.length ? 'array element removed' : 'array element added';
  }
  (v as Record<string, unknown>).tampered = true;
  return 'key added';
}

/** The exact problems verify must report for a tamper at `path` in `original`. */
function expectedProblems(original: Report, path: readonly PathKey[], tampered: Record<string, unknown>): string[] {
  if (path.length === 0) return ['a top-level member was added: tampered'];
  const [member, index, resultMember] = path;
  if (member !== 'results') return [`${String(member)} changed`];
  if (index === undefined) {
    const ids = new Set((tampered.results as Array<{ id: string }>).map((r) => r.id));
    return original.results.filter((r) => !ids.has(r.id)).map((r) => `a result was removed: ${r.id}`);
  }
  const id = original.results[index as number]!.id;
  if (resultMember === undefined) return [`results[${JSON.stringify(id)}].tampered was added`];
  if (resultMember === 'id') return [`a result was removed: ${id}`, `a result was added: ${(tampered.results as Array<{ id: string }>)[index as number]!.id}`];
  return [`results[${JSON.stringify(id)}].${String(resultMember)} changed`];
}

describe('tampering with any part of a signed report', () => {
  it('makes verify fail, naming the top-level member or the result (and its member) that holds it', () => {
    const { signature: _signature, ...unsigned } = signed;
    const paths = allPaths(unsigned);
    expect(paths.length).toBeGreaterThan(500);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: paths.length - 1 }), fc.nat(), (i, choice) => {
        const path = paths[i]!;
        const tampered = copy(signed) as unknown as Record<string, unknown>;
        const what = tamper(tampered, path, choice);
        const v = verifyReport(tampered, keys.publicKeyPem);
        const where = `${what} at /${path.join('/')}`;
        expect(v.valid, where).toBe(false);
        expect(v.problems, where).toEqual(expectedProblems(signed, path, tampered));
      }),
      { numRuns: 400 },
    );
  });
});

/** A command context that collects what the command prints. */
function context(): { ctx: CommandContext; out: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  return { ctx: { stdout, stderr: new PassThrough(), interactive: false, signal: new AbortController().signal, argv: [] }, out: () => text };
}

async function help(spec: CommandSpec, name: string): Promise<string> {
  return new Promise((resolve) => {
    void yargs()
      .scriptName('flopmeter')
      .command(spec.command as string, spec.describe, spec.builder, () => undefined)
      .exitProcess(false)
      .parse([name, '--help'], {}, (_err, _argv, output) => resolve(output));
  });
}

describe('the keygen, sign and verify commands', () => {
  it('keygen writes PREFIX.key created with mode 0600 and PREFIX.pub, and prints the key id', async () => {
    const prefix = join(dir, 'lab');
    const { ctx, out } = context();
    expect(await keygenCommand.run({ out: prefix, force: false }, ctx)).toBe(0);
    expect(statSync(`${prefix}.key`).mode & 0o777).toBe(0o600);
    const pub = readFileSync(`${prefix}.pub`, 'utf8');
    expect(pub).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(readFileSync(`${prefix}.key`, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(out()).toContain(`key id ${keyIdOf(pub)}`);
  });

  it('keygen refuses to overwrite existing files without --force; with it, the new key file is still 0600', async () => {
    const prefix = join(dir, 'again');
    writeFileSync(`${prefix}.pub`, 'precious', { mode: 0o644 });
    writeFileSync(`${prefix}.key`, 'precious', { mode: 0o644 });
    await expect(keygenCommand.run({ out: prefix, force: false }, context().ctx)).rejects.toThrow(UsageError);
    await expect(keygenCommand.run({ out: prefix, force: false }, context().ctx)).rejects.toThrow(/again\.key already exists; .*--force/);
    expect(readFileSync(`${prefix}.key`, 'utf8')).toBe('precious');
    expect(await keygenCommand.run({ out: prefix, force: true }, context().ctx)).toBe(0);
    expect(statSync(`${prefix}.key`).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${prefix}.key`, 'utf8')).toMatch(/PRIVATE KEY/);
  });

  it('sign rewrites the report in place, verify says valid; a changed result is named and exits 1', async () => {
    const prefix = join(dir, 'cli');
    await keygenCommand.run({ out: prefix, force: false }, context().ctx);
    const file = join(dir, 'report.json');
    writeFileSync(file, serializeReport(report));
    const signOut = context();
    expect(await signCommand.run({ file, key: `${prefix}.key` }, signOut.ctx)).toBe(0);
    expect(signOut.out()).toMatch(/^signed .*report\.json with key [0-9a-f]{32} at /);

    const ok = context();
    expect(await verifyCommand.run({ file, pubkey: `${prefix}.pub` }, ok.ctx)).toBe(0);
    expect(ok.out()).toMatch(/^valid: signed by key [0-9a-f]{32} at \d{4}-\d\d-\d\dT/);

    const doc = JSON.parse(readFileSync(file, 'utf8')) as Report;
    doc.results[1]!.throughput!.value *= 1.0001;
    doc.host.cpu = 'faster';
    writeFileSync(file, JSON.stringify(doc));
    const bad = context();
    expect(await verifyCommand.run({ file, pubkey: `${prefix}.pub` }, bad.ctx)).toBe(1);
    expect(bad.out()).toContain('  - host changed\n');
    expect(bad.out()).toContain(`  - results[${JSON.stringify(doc.results[1]!.id)}].throughput changed\n`);

    const again = context();
    expect(await signCommand.run({ file, key: `${prefix}.key`, out: join(dir, 'resigned.json') }, again.ctx)).toBe(0);
    expect(again.out()).toContain('(replacing the signature by key');
    expect(await verifyCommand.run({ file: join(dir, 'resigned.json'), pubkey: `${prefix}.pub` }, context().ctx)).toBe(0);
  });

  it('sign refuses a private key that group or others can read, and unreadable keys or reports are one-line usage errors', async () => {
    const prefix = join(dir, 'loose');
    await keygenCommand.run({ out: prefix, force: false }, context().ctx);
    const file = join(dir, 'loose.json');
    writeFileSync(file, serializeReport(report));
    chmodSync(`${prefix}.key`, 0o640);
    await expect(signCommand.run({ file, key: `${prefix}.key` }, context().ctx)).rejects.toThrow(/accessible by group or others \(mode 0640\); run chmod 600/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).not.toHaveProperty('signature');

    // Each settles into its error at once: a rejection left without a handler while an earlier one is awaited is unhandled.
    const errors = [
      signCommand.run({ file, key: join(dir, 'missing.key') }, context().ctx),
      verifyCommand.run({ file, pubkey: join(dir, 'missing.pub') }, context().ctx),
      verifyCommand.run({ file, pubkey: file }, context().ctx),
      verifyCommand.run({ file, pubkey: `${prefix}.key` }, context().ctx),
      verifyCommand.run({ file: join(dir, 'missing.json'), pubkey: `${prefix}.pub` }, context().ctx),
    ].map((p) => p.then(() => null, (e: unknown) => e));
    for (const p of errors) {
      const err = await p;
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).not.toContain('\n');
    }
    await expect(verifyCommand.run({ file, pubkey: `${prefix}.key` }, context().ctx)).rejects.toThrow(/a private key; give the public key/);
    const unsigned = context();
    expect(await verifyCommand.run({ file, pubkey: `${prefix}.pub` }, unsigned.ctx)).toBe(1);
    expect(unsigned.out()).toContain('  - not signed\n');
  });

  it('each command has --help text with an example', async () => {
    for (const [spec, name, example] of [
      [keygenCommand, 'keygen', 'flopmeter keygen --out'],
      [signCommand, 'sign', 'flopmeter sign '],
      [verifyCommand, 'verify', 'flopmeter verify '],
    ] as const) {
      const text = await help(spec, name);
      expect(text, name).toContain('Examples:');
      expect(text, name).toContain(example);
    }
  });
});
