import { describe, expect, it } from 'vitest';
import { allocate, layoutBuffers, partition, viewOf } from '../../../src/backends/cpu/memory.js';
import { CapacityError } from '../../../src/core/errors.js';

describe('partitioning work among workers', () => {
  it('splits on alignment boundaries and covers every item once', () => {
    expect(partition(100, 3, 8)).toEqual([[0, 40], [40, 80], [80, 100]]);
    expect(partition(2, 4, 1)).toEqual([[0, 1], [1, 2], [2, 2], [2, 2]]); // more workers than items: empty slices
    for (const [items, workers, align] of [[1 << 20, 7, 256], [1000, 2, 4], [48 * 5, 3, 48]]) {
      const slices = partition(items!, workers!, align!);
      expect(slices[0]![0]).toBe(0);
      expect(slices[slices.length - 1]![1]).toBe(items);
      for (let i = 1; i < slices.length; i++) expect(slices[i]![0]).toBe(slices[i - 1]![1]);
      for (const [b] of slices) expect(b % align! === 0 || b === items).toBe(true);
    }
  });
});

describe('buffer layout in WebAssembly memory', () => {
  it('aligns buffers to cache lines and keeps address 0 unused', () => {
    const l = layoutBuffers([
      { name: 'a', dtype: 'f32', length: 3 },
      { name: 'b', dtype: 'f64', length: 10 },
    ]);
    expect(l.offset).toEqual({ a: 64, b: 128 });
    expect(l.totalBytes).toBe(128 + 128);
  });

  it('refuses, before allocating, buffers beyond the 4 GiB a wasm32 memory addresses', () => {
    let err: unknown;
    try {
      layoutBuffers([{ name: 'huge', dtype: 'f64', length: 2 ** 29 + 1 }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CapacityError);
    expect((err as CapacityError).message).toMatch(/4\.0 GiB/);
    expect((err as CapacityError).limitName).toMatch(/WebAssembly/);
  });

  it('copies inputs in by name and fills the rest with NaN', () => {
    const specs = [
      { name: 'x', dtype: 'f32' as const, length: 4 },
      { name: 'y', dtype: 'f64' as const, length: 2 },
    ];
    const l = layoutBuffers(specs);
    const mem = allocate(l, specs, { x: Float32Array.of(1, 2, 3, 4) });
    expect([...viewOf(mem, l, specs[0]!)]).toEqual([1, 2, 3, 4]);
    expect([...viewOf(mem, l, specs[1]!)].every(Number.isNaN)).toBe(true);
    expect(() => allocate(l, specs, { x: Float32Array.of(1) })).toThrow(/expects 4/);
  });
});
