import { describe, expect, it } from 'vitest';
import { blasEngineName, findBlas } from '../../../src/backends/cpu/blas.js';
import { requireComponent } from '../../helpers.js';

describe('system BLAS discovery', () => {
  it('finds an optimized BLAS with cblas_sgemm and names it (setup installs OpenBLAS)', (ctx) => {
    const d = findBlas({});
    requireComponent(ctx, d.found, 'a system BLAS (libopenblas0-pthread)');
    if (!d.found) return;
    expect(['OpenBLAS', 'BLIS', 'MKL', 'unknown']).toContain(d.library.vendor);
    expect(blasEngineName(d.library)).toMatch(/cblas_sgemm$/);
    if (d.library.vendor === 'OpenBLAS') expect(d.library.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('can be switched off, and says why a given library cannot serve', () => {
    expect(findBlas({ FLOPMETER_BLAS: 'none' })).toEqual({ found: false, reason: 'disabled by FLOPMETER_BLAS=none' });
    const missing = findBlas({ FLOPMETER_BLAS: '/nonexistent/libblas.so' });
    expect(missing.found).toBe(false);
    if (!missing.found) expect(missing.reason).toMatch(/\/nonexistent\/libblas\.so/);
    const noCblas = findBlas({ FLOPMETER_BLAS: 'libc.so.6' });
    expect(noCblas.found).toBe(false);
    if (!noCblas.found) expect(noCblas.reason).toMatch(/no cblas_sgemm/);
  });
});
