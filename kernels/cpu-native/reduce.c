/* Sum of a float32 slice [begin, end) of the array at byte offset x, written
 * as a float64 at byte offset out, as kernels/cpu/reduce.wat: blocks of 256
 * floats are summed in float32 vector accumulators (at most 16 adds per lane:
 * rounding error <= 16 u per block) and the block sums in float64, so the
 * error does not grow with the array length. A last partial block is summed
 * the same way. */
#include "vector.h"

/* Floats per block, as the WebAssembly kernel (and the probe's slice alignment). */
#define BLOCK 256
/* Independent accumulators: enough loads in flight to cover the add latency
 * (4 cycles at 2 loads per cycle needs 8; 4 vectors of 64 bytes already read a
 * cache line per add at AVX-512, and 256 floats fill them in whole steps at
 * every vector width). */
#define ACC 4

static double block_sum(const float *p, uint32_t n) {
  vf32 acc[ACC] = {0};
  uint32_t i = 0;
  for (; i + ACC * FM_F32_LANES <= n; i += ACC * FM_F32_LANES) {
#pragma GCC unroll 4
    for (int j = 0; j < ACC; j++) acc[j] += fm_load_f32(p + i + j * FM_F32_LANES);
  }
  vf32 s = acc[0];
  for (int j = 1; j < ACC; j++) s += acc[j];
  double total = 0;
  for (int l = 0; l < FM_F32_LANES; l++) total += (double)s[l];
  for (; i < n; i++) total += (double)p[i];
  return total;
}

void fm_reduce_sum(uint8_t *base, uint32_t x, uint32_t out, uint32_t begin, uint32_t end) {
  const float *px = FM_AT(const float, base, x, 0);
  double total = 0;
  for (uint32_t i = begin; i < end; i += BLOCK) total += block_sum(px + i, end - i < BLOCK ? end - i : BLOCK);
  double *po = FM_AT(double, base, out, 0);
  *po = total;
}
