/**
 * Build step: compiles every JSON Schema in schemas/ into standalone Ajv
 * validators in dist/schemas/ (one that reports every error, one that stops
 * at the first), each tagged with the digest of the schema text it was built
 * from, so that src/report/validate.ts uses it only for that text. Reading a
 * report then costs no Ajv compiling (see validate.ts).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { _ } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { packageRoot } from '../src/core/paths.js';
import { builtValidatorPath, schemaCompiler, schemaDigest } from '../src/report/validate.js';

/** The formats as the built code finds them at run time: ajv-formats' full set, as the compiler here uses. */
const FORMATS = _`require("ajv-formats/dist/formats").fullFormats`;

const schemas = readdirSync(join(packageRoot(), 'schemas')).filter((f) => f.endsWith('.schema.json')).sort();
for (const file of schemas) {
  const text = readFileSync(join(packageRoot(), 'schemas', file), 'utf8');
  for (const allErrors of [true, false]) {
    const ajv = schemaCompiler(allErrors, { source: true, formats: FORMATS });
    // The CommonJS module is the function; its `default` is the same function, and what the types know.
    const code = standalone.default(ajv, ajv.compile(JSON.parse(text) as object));
    const out = builtValidatorPath(file, allErrors);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${code}\nmodule.exports.schemaSha256 = ${JSON.stringify(schemaDigest(text))};\n`);
  }
}
console.log(`built validators of ${schemas.length} schema${schemas.length === 1 ? '' : 's'} into ${join(packageRoot(), 'dist', 'schemas')}`);
