import { describe, expect, it } from 'vitest';
import { defineProbe } from '../../src/core/probe.js';
import { definitionHash } from '../../src/measure/definition.js';
import gemm from '../../probes/gemm.js';

const params = { dtype: 'f32', n: 512 };
const kernel = 'cblas_sgemm(...)';
const hash = definitionHash(gemm, params, kernel);

describe('definitionHash, from the declared workload definition', () => {
  it('is a sha256, the same for the same declaration, parameters and kernel (in any key order)', () => {
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(definitionHash(gemm, { n: 512, dtype: 'f32' }, kernel)).toBe(hash);
  });

  it('changes with the declared version, work formula or reference, the parameters and the kernel source', () => {
    const declared = (d: Partial<typeof gemm.definition>) => defineProbe({ ...gemm, definition: { ...gemm.definition, ...d } });
    const variants = [
      definitionHash(declared({ version: 2 }), params, kernel),
      definitionHash(declared({ work: `${gemm.definition.work} + 1` }), params, kernel),
      definitionHash(declared({ reference: 'another check' }), params, kernel),
      definitionHash(gemm, { ...params, n: 1024 }, kernel),
      definitionHash(gemm, params, `${kernel} `),
    ];
    expect(new Set([hash, ...variants]).size).toBe(variants.length + 1);
  });

  it('changes when work() counts differently though its declaration was not updated', () => {
    const miscounted = defineProbe({ ...gemm, work: (p) => ({ ...gemm.work(p), flop: 2 * p.n ** 3 - p.n ** 2 }) });
    expect(definitionHash(miscounted, params, kernel)).not.toBe(hash);
  });

  it('does not depend on the compiled code of work() or reference() when they count the same', () => {
    // The same formulas written differently: Function.prototype.toString() would differ, the hash must not.
    const rewritten = defineProbe({
      ...gemm,
      work: ({ n, dtype }) => {
        const bytesPerElement = dtype === 'f16' || dtype === 'bf16' ? 2 : 4;
        return { flop: 2 * n * n * n, items: n * n, bytes: 3 * bytesPerElement * n * n };
      },
      reference: async (inputs, p) => gemm.reference(inputs, p),
    });
    expect(String(rewritten.work)).not.toBe(String(gemm.work));
    expect(definitionHash(rewritten, params, kernel)).toBe(hash);
  });
});
