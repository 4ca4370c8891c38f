/**
 * Reading reports back: from a file or a string, refusing hostile or broken
 * input with one-line messages that say where, and upgrading every schema
 * this flopmeter can read to the current in-memory Report.
 *
 * The order of checks is the order of cost and danger: size before reading,
 * nesting depth before JSON.parse, repeated keys, prototype keys and
 * non-finite numbers before anything looks at the values, then the schema
 * id, then the schema.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { escapeControl } from '../core/control-chars.js';
import { UsageError, describeError } from '../core/errors.js';
import type { Report } from './types.js';
import { scanStructure } from './structure.js';
import { firstSchemaProblem } from './validate.js';

/** Largest report file read. Far above a real report (a full run is a few MiB); small enough that the text and its parse fit in memory. */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/**
 * Deepest nesting of arrays and objects accepted. A report nests about 8
 * deep; this leaves room for later schemas while keeping JSON.parse, the
 * safety walk below and Ajv far from the stack limit.
 */
export const MAX_REPORT_DEPTH = 64;

/** Longest message shown. A hostile key or file name can be megabytes long; a message is one terminal line. */
const MAX_MESSAGE_CHARS = 1000;

/** Keys refused at any depth: code that merges or copies a report could be tricked into changing prototypes. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Schema ids of reports, e.g. "flopmeter/report@1"; the number is the version. */
const SCHEMA_ID = /^flopmeter\/report@([1-9][0-9]*)$/;

/**
 * One published report schema: its id, its JSON Schema file in schemas/, and
 * how a document that conforms to it becomes the current Report. To publish
 * report@N: add its entry here (upgrade = identity) and replace the previous
 * entry's upgrade by a function from that shape to the new one.
 */
interface ReadableSchema {
  readonly id: string;
  readonly file: string;
  readonly upgrade: (doc: Record<string, unknown>) => Report;
}

/** Every readable schema, oldest first; the last is the current one. */
const SCHEMAS: readonly ReadableSchema[] = [{ id: 'flopmeter/report@1', file: 'report-1.schema.json', upgrade: (doc) => doc as unknown as Report }];

/** Every report schema this flopmeter reads, oldest first, e.g. ['flopmeter/report@1']. */
export const READABLE_SCHEMAS: readonly string[] = Object.freeze(SCHEMAS.map((s) => s.id));

/**
 * A report that cannot be read: the file, the JSON path (JSON Pointer, ''
 * or '/results/3/throughput/ci95') and what is wrong. The message says
 * "<source>: at <path>: <what>" (without "at <path>" when the path is ''),
 * always on one line.
 */
export class ReportReadError extends UsageError {
  constructor(
    /** The file (or other name) the report came from. */
    readonly source: string,
    /** JSON Pointer of the offending value; '' for the whole document or the file. */
    readonly path: string,
    what: string,
  ) {
    super(oneLine(`${source}: ${path === '' ? '' : `at ${path}: `}${what}`));
  }
}

/**
 * Parses, checks and upgrades a report's text to the current in-memory
 * Report (src/report/types.ts). `source` names it in messages (a file path).
 * Throws ReportReadError, and nothing else, for any text that is not a
 * readable report.
 */
export function parseReport(text: string, source: string): Report {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') throw new ReportReadError(source, '', 'empty: no report in it');
  // Depth before JSON.parse can recurse into it; a repeated key only once the text is known to be JSON.
  const structure = scanStructure(body, MAX_REPORT_DEPTH);
  if (structure.problem) throw new ReportReadError(source, '', `nested deeper than ${MAX_REPORT_DEPTH} levels at ${lineColumn(body, structure.problem.offset)}`);
  const value = parseJson(body, source);
  const tally = { keys: 0 };
  checkValues(value, [], source, tally);
  if (tally.keys !== structure.keys) refuseRepeatedKey(body, source);
  if (!isPlainObject(value)) throw new ReportReadError(source, '', `not a report: the JSON value is ${kindOf(value)}, not an object`);
  const schema = readableSchema(value, source);
  const problem = firstSchemaProblem(value, schema.file);
  if (problem) throw new ReportReadError(source, problem.path, problem.message);
  return schema.upgrade(value);
}

/** Reads a file (size-checked before reading) and parses it. */
export function readReport(file: string): Report {
  return parseReport(readText(file), file);
}

function readText(file: string): string {
  let fd: number;
  try {
    // Non-blocking, so that opening a named pipe cannot hang; checkFile then refuses it as not a regular file.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new ReportReadError(file, '', `cannot open: ${fsReason(err)}`);
  }
  try {
    checkFile(fd, file);
    return decodeUtf8(readBytes(fd, file), file);
  } finally {
    closeSync(fd);
  }
}

function readBytes(fd: number, file: string): Buffer {
  try {
    return readFileSync(fd);
  } catch (err) {
    throw new ReportReadError(file, '', `cannot read: ${fsReason(err)}`);
  }
}

/** Refuses directories, devices, pipes and files over MAX_REPORT_BYTES, from the metadata alone. */
function checkFile(fd: number, file: string): void {
  const stat = fstatSync(fd);
  if (stat.isDirectory()) throw new ReportReadError(file, '', 'is a directory, not a report file');
  if (!stat.isFile()) throw new ReportReadError(file, '', 'not a regular file (a device, pipe or socket)');
  if (stat.size > MAX_REPORT_BYTES) {
    throw new ReportReadError(file, '', `${stat.size} bytes: larger than the ${MAX_REPORT_BYTES / 2 ** 20} MiB a report may be`);
  }
}

function decodeUtf8(bytes: Buffer, file: string): string {
  // A file that grew between the size check and the read.
  if (bytes.length > MAX_REPORT_BYTES) throw new ReportReadError(file, '', `larger than the ${MAX_REPORT_BYTES / 2 ** 20} MiB a report may be`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ReportReadError(file, '', 'not UTF-8 text: not a report');
  }
}

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  EISDIR: 'is a directory, not a report file',
};

function fsReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === 'string' ? FS_REASONS[code] : undefined) ?? describeError(err);
}

/** Finds the first repeated key (JSON.parse kept fewer keys than the text holds) and refuses it, naming its path. */
function refuseRepeatedKey(text: string, source: string): never {
  const found = scanStructure(text, MAX_REPORT_DEPTH, true).problem;
  const what = 'a key may appear once in an object (readers differ on which one they keep)';
  if (found?.kind !== 'duplicate-key') throw new ReportReadError(source, '', `an object repeats a key: ${what}`);
  const key = JSON.stringify(found.path[found.path.length - 1]);
  throw new ReportReadError(source, pointer(found.path), `duplicate key ${key} at ${lineColumn(text, found.offset)}: ${what}`);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ReportReadError(source, '', `not JSON: ${locateSyntaxError(describeError(err), text)}`);
  }
}

/** V8's message with its "at position N" given as a line and column (or the end of the text, for a truncated one). */
function locateSyntaxError(message: string, text: string): string {
  const at = /(?: in JSON)? at position (\d+)(?: \(line \d+ column \d+\))?/.exec(message);
  if (at) return `${message.slice(0, at.index)} at ${lineColumn(text, Number(at[1]))}${message.slice(at.index + at[0].length)}`;
  if (/^Unexpected end of JSON input$/.test(message)) return `${message} at ${lineColumn(text, text.length)}`;
  return message;
}

/** "line L column C" (both from 1) of a UTF-16 offset. */
function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return `line ${line} column ${offset - lineStart + 1}`;
}

/**
 * Refuses, in document order, a key that could reach a prototype and a
 * number that is not finite (1e400 parses to Infinity). JSON.parse itself
 * makes "__proto__" an own property, so parsing cannot pollute; this keeps
 * later code from being tricked. `at` is the path as a stack of keys, made
 * a pointer only for a message; `tally` counts the keys it sees. Recursion is
 * bounded by scanStructure.
 */
function checkValues(value: unknown, at: string[], source: string, tally: { keys: number }): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ReportReadError(source, pointer(at), 'number out of range: not a finite 64-bit float');
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) visit(value[i], String(i), at, source, tally);
  } else if (isPlainObject(value)) {
    const keys = Object.keys(value);
    tally.keys += keys.length;
    for (const key of keys) {
      if (FORBIDDEN_KEYS.has(key)) throw new ReportReadError(source, pointer([...at, key]), `key "${key}" is not allowed (it could reach a prototype)`);
      visit(value[key], key, at, source, tally);
    }
  }
}

function visit(value: unknown, key: string, at: string[], source: string, tally: { keys: number }): void {
  at.push(key);
  checkValues(value, at, source, tally);
  at.pop();
}

/** A JSON Pointer (RFC 6901) from its unescaped keys. */
function pointer(keys: readonly string[]): string {
  return keys.map((k) => `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** The schema entry for the document's "schema" member, or a ReportReadError naming /schema. */
function readableSchema(doc: Record<string, unknown>, source: string): ReadableSchema {
  const id = doc.schema;
  const reads = `this flopmeter reads ${READABLE_SCHEMAS.join(', ')}`;
  if (!Object.hasOwn(doc, 'schema')) throw new ReportReadError(source, '/schema', `is required but missing; ${reads}`);
  if (typeof id !== 'string') throw new ReportReadError(source, '/schema', `must be a string naming the report schema, not ${kindOf(id)}; ${reads}`);
  const known = SCHEMAS.find((s) => s.id === id);
  if (known) return known;
  const version = schemaVersion(id);
  if (version !== null && version > newestVersion()) {
    throw new ReportReadError(source, '/schema', `${JSON.stringify(id)} was written by a newer flopmeter; ${reads}`);
  }
  throw new ReportReadError(source, '/schema', `unknown report schema ${JSON.stringify(id)}; ${reads}`);
}

function schemaVersion(id: string): number | null {
  const m = SCHEMA_ID.exec(id);
  return m ? Number(m[1]) : null;
}

function newestVersion(): number {
  return Math.max(...SCHEMAS.map((s) => schemaVersion(s.id) ?? 0));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Control characters escaped (a file name or key can hold newlines) and the length capped. */
function oneLine(message: string): string {
  const escaped = escapeControl(message);
  return escaped.length > MAX_MESSAGE_CHARS ? `${escaped.slice(0, MAX_MESSAGE_CHARS - 1)}…` : escaped;
}
