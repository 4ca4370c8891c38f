/**
 * Validation of reports against the JSON Schema in schemas/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { packageRoot } from '../core/paths.js';

/** The current published schema's file in schemas/. */
const CURRENT_SCHEMA_FILE = 'report-1.schema.json';

let validator: ValidateFunction | undefined;
/** Fail-fast validators by schema file, for locating the first problem (see firstSchemaProblem). */
const firstProblemValidators = new Map<string, ValidateFunction>();

function loadSchema(file: string): object {
  return JSON.parse(readFileSync(join(packageRoot(), 'schemas', file), 'utf8')) as object;
}

/** The published schema, as a JSON object. */
export function reportSchema(): object {
  return loadSchema(CURRENT_SCHEMA_FILE);
}

function compile(schema: object, allErrors: boolean): ValidateFunction {
  const ajv = new Ajv2020({ allErrors, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv.compile(schema);
}

function compiled(): ValidateFunction {
  validator ??= compile(reportSchema(), true);
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
    validate = compile(loadSchema(schemaFile), false);
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
