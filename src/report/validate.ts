/**
 * Validation of reports against the JSON Schema in schemas/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { packageRoot } from '../core/paths.js';

let validator: ValidateFunction | undefined;

/** The published schema, as a JSON object. */
export function reportSchema(): object {
  return JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'report-1.schema.json'), 'utf8')) as object;
}

function compiled(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    validator = ajv.compile(reportSchema());
  }
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
