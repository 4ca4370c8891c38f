/**
 * Canonical JSON (RFC 8785, the JSON Canonicalization Scheme): one exact text
 * for a JSON value, so that a digest or signature over it does not depend on
 * key order, indentation or how a number happened to be written.
 *
 * - object members sorted by their names' UTF-16 code units (what the default
 *   `Array.prototype.sort` compares), no whitespace anywhere;
 * - numbers as ECMAScript's Number::toString (which RFC 8785 adopts), so
 *   `1e21` → `1e+21`, `1e-7` → `1e-7`, `-0` → `0`, `4.50` → `4.5`;
 * - strings escaped as `JSON.stringify` does (`"`, `\`, control characters as
 *   `\b \t \n \f \r` or lower-case `\u00xx`, everything else literal). RFC 8785
 *   presumes I-JSON, which has no lone surrogates; `JSON.stringify` writes them
 *   as `\udxxx`, which parses back to the same string, so they stay stable.
 *
 * Only JSON values are accepted: null, booleans, finite numbers, strings,
 * arrays and plain objects. Anything else (NaN, ±Infinity, undefined, a
 * function, a bigint, a Date, an array hole) is refused with its JSON path,
 * rather than silently dropped or rewritten as `JSON.stringify` would.
 */
import { FlopmeterError } from '../core/errors.js';

/** A value that has no canonical JSON form; `path` says where, e.g. "$.results[3].power". */
export class NotJsonError extends FlopmeterError {
  override readonly name = 'NotJsonError';
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(`not JSON at ${path}: ${what}`);
  }
}

/** The canonical (RFC 8785) text of a JSON value. Throws NotJsonError for anything that is not one. */
export function canonicalize(value: unknown): string {
  return write(value, '$');
}

/** Appends a member name to a JSON path, bracketed unless it is a plain identifier. */
export function jsonPathMember(path: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

function write(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonError(path, `${value} is not a finite number`);
      // For finite numbers JSON.stringify is Number::toString, and writes -0 as 0.
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return writeArray(value, path);
      if (!isPlainObject(value)) throw new NotJsonError(path, `a ${value.constructor?.name ?? 'non-plain'} object`);
      return writeObject(value as Record<string, unknown>, path);
    default:
      throw new NotJsonError(path, `a value of type ${typeof value}`);
  }
}

function writeArray(values: readonly unknown[], path: string): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const at = `${path}[${i}]`;
    if (!(i in values)) throw new NotJsonError(at, 'an array hole');
    parts.push(write(values[i], at));
  }
  return `[${parts.join(',')}]`;
}

function writeObject(obj: Record<string, unknown>, path: string): string {
  const names = Object.keys(obj).sort();
  const parts = names.map((name) => `${JSON.stringify(name)}:${write(obj[name], jsonPathMember(path, name))}`);
  return `{${parts.join(',')}}`;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
