/* STREAM kernels on float64 (McCalpin), as kernels/cpu/stream.wat: each works
 * on its slice [begin, end) of arrays at byte offsets a, b, c in the memory at
 * base; q is STREAM's scalar. Plain loops, vectorised by the compiler for the
 * host's ISA (-O3 -march=native), as STREAM itself is built. */
#include "vector.h"

void fm_stream_copy(uint8_t *base, uint32_t a, uint32_t c, uint32_t begin, uint32_t end) {
  const double *restrict pa = FM_AT(const double, base, a, 0);
  double *restrict pc = FM_AT(double, base, c, 0);
  for (uint32_t i = begin; i < end; i++) pc[i] = pa[i];
}

void fm_stream_scale(uint8_t *base, uint32_t c, uint32_t b, double q, uint32_t begin, uint32_t end) {
  const double *restrict pc = FM_AT(const double, base, c, 0);
  double *restrict pb = FM_AT(double, base, b, 0);
  for (uint32_t i = begin; i < end; i++) pb[i] = q * pc[i];
}

void fm_stream_add(uint8_t *base, uint32_t a, uint32_t b, uint32_t c, uint32_t begin, uint32_t end) {
  const double *restrict pa = FM_AT(const double, base, a, 0);
  const double *restrict pb = FM_AT(const double, base, b, 0);
  double *restrict pc = FM_AT(double, base, c, 0);
  for (uint32_t i = begin; i < end; i++) pc[i] = pa[i] + pb[i];
}

void fm_stream_triad(uint8_t *base, uint32_t b, uint32_t c, uint32_t a, double q, uint32_t begin, uint32_t end) {
  const double *restrict pb = FM_AT(const double, base, b, 0);
  const double *restrict pc = FM_AT(const double, base, c, 0);
  double *restrict pa = FM_AT(double, base, a, 0);
  for (uint32_t i = begin; i < end; i++) pa[i] = pb[i] + q * pc[i];
}
