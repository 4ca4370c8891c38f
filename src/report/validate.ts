/**
 * Validation of reports against the JSON Schema in schemas/. The validators
 * are compiled at build time (scripts/build-validators.ts) into dist/schemas/:
 * Ajv's compiling takes several times longer than Node.js takes to start, and
 * `flopmeter report FILE` should answer at once. A validator built from
 * another version of a schema than the file now in schemas/ is not used: then
 * (and when nothing was built) the schema is compiled here, as before.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as AjvModule from 'ajv/dist/2020.js';
import type { Ajv2020, ErrorObject, Options, ValidateFunction } from 'ajv/dist/2020.js';
import { requireWithCodeCache } from '../core/code-cache.js';
import { distDir, packageRoot, userCacheDir } from '../core/paths.js';

/** The current published schema's file in schemas/. */
const CURRENT_SCHEMA_FILE = 'report-1.schema.json';

const require = createRequire(import.meta.url);

let validator: ValidateFunction | undefined;
/** Fail-fast validators by schema file, for locating the first problem (see firstSchemaProblem). */
const firstProblemValidators = new Map<string, ValidateFunction>();

function schemaText(file: string): string {
  return readFileSync(join(packageRoot(), 'schemas', file), 'utf8');
}

/** The published schema, as a JSON object. */
export function reportSchema(): object {
  return JSON.parse(schemaText(CURRENT_SCHEMA_FILE)) as object;
}

/** Identifies the schema text a validator was built from. */
export function schemaDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Where the build puts a schema's validator: one reporting every error, or one that stops at the first. */
export function builtValidatorPath(file: string, allErrors: boolean): string {
  return join(distDir(), 'schemas', `${file}.${allErrors ? 'all-errors' : 'first-error'}.cjs`);
}

/** The Ajv instance every validator is compiled by, here or at build time (`code` for the latter); Ajv loads only when called. */
export function schemaCompiler(allErrors: boolean, code?: Options['code']): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof AjvModule;
  const addFormats = require('ajv-formats') as (a: Ajv2020) => void;
  const ajv = new Ajv({ allErrors, strict: false, ...(code ? { code } : {}) });
  addFormats(ajv);
  return ajv;
}

function compile(file: string, allErrors: boolean): ValidateFunction {
  const text = schemaText(file);
  const built = builtValidatorPath(file, allErrors);
  if (existsSync(built)) {
    const loaded = requireWithCodeCache<ValidateFunction & { schemaSha256?: string }>(built, userCacheDir('v8'));
    const validate = loaded.exports;
    if (validate.schemaSha256 === schemaDigest(text)) return savingAfterFirstUse(validate, loaded.save);
  }
  return schemaCompiler(allErrors).compile(JSON.parse(text) as object);
}

/** The validator, keeping its code cache once its first call has compiled what a report needs. */
function savingAfterFirstUse(validate: ValidateFunction, save: () => void): ValidateFunction {
  const first = ((doc: unknown) => {
    const ok = validate(doc);
    first.errors = validate.errors;
    save();
    return ok;
  }) as ValidateFunction;
  return first;
}

function compiled(): ValidateFunction {
  validator ??= compile(CURRENT_SCHEMA_FILE, true);
  return validator;
}

export interface SchemaProblem {
  /** JSON path of the offending value, e.g. "/results/3/throughput/ci95". */
  path: string;
  message: string;
}

/** Problems with a report against the schema; empty when it conforms. */
export function validateReport(report: unknown): SchemaProblem[] {
  const validate = compiled();
  if (validate(report)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => ({ path: e.instancePath || '/', message: e.message ?? 'invalid' }));
}

/**
 * The first problem with a document against a published schema (a file in
 * schemas/), or null when it conforms. Ajv stops at the first failing
 * keyword but tries every branch of a oneOf; of the errors it returns, the
 * deepest is the one that says what is wrong (the branch that got furthest
 * is the one the document meant). `path` is a JSON Pointer ('' for the
 * whole document); a missing or extra property is named by its own path.
 */
export function firstSchemaProblem(doc: unknown, schemaFile: string): SchemaProblem | null {
  let validate = firstProblemValidators.get(schemaFile);
  if (!validate) {
    validate = compile(schemaFile, false);
    firstProblemValidators.set(schemaFile, validate);
  }
  if (validate(doc)) return null;
  const errors = validate.errors ?? [];
  const deepest = errors.reduce<ErrorObject | undefined>((best, e) => (!best || pointerDepth(e.instancePath) > pointerDepth(best.instancePath) ? e : best), undefined);
  return deepest ? describeAjvError(deepest) : { path: '', message: 'does not match the schema' };
}

function pointerDepth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length - 1;
}

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describeAjvError(e: ErrorObject): SchemaProblem {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: `${e.instancePath}/${escapePointerToken(String(p.missingProperty))}`, message: 'is required but missing' };
    case 'additionalProperties':
      return { path: `${e.instancePath}/${escapePointerToken(String(p.additionalProperty))}`, message: 'is not an allowed property here' };
    case 'type':
      return { path: e.instancePath, message: `must be ${String(p.type).split(',').join(' or ')}` };
    case 'enum':
      return { path: e.instancePath, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { path: e.instancePath, message: `must be ${JSON.stringify(p.allowedValue)}` };
    default:
      return { path: e.instancePath, message: e.message ?? 'does not match the schema' };
  }
}
