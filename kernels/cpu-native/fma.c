/* Compute-bound multiply-add chains on float32, as kernels/cpu/fma.wat:
 * y = f^iters(x) with f(v) = v * a + b on every element of the slice
 * [begin, end) of x (byte offset x) into y, each element-step 2 FLOP.
 * CHAINS independent vectors are held in registers for all iters steps, so
 * that every FMA unit always has an operation whose inputs are ready: a unit
 * takes a new FMA each cycle and its result comes back after its latency, so
 * units x latency chains keep them all busy (2 x 4 = 8 on Skylake-SP, Ice
 * Lake, Zen 2-4; 4 x 4 = 16 on Neoverse V1/V2). With -ffp-contract=fast
 * (GCC's default for GNU C) v * a + b compiles to one fused multiply-add where
 * the ISA has one. */
#include "vector.h"

/* Chains per group: units x latency with headroom, within the register file
 * (AVX-512 and AArch64 have 32 vector registers, AVX/AVX2 and SSE 16, two of
 * which hold a and b). */
#if FM_VBYTES == 64 || defined(__aarch64__)
#define CHAINS 16
#else
#define CHAINS 12
#endif
/* Chains of the groups that finish a slice that is not a whole number of
 * full groups: half the units' need at least, far better than one chain. */
#define TAIL_CHAINS 4

/* N chains of vectors from x to y, iters steps each. */
#define DEFINE_GROUP(name, N)                                                        \
  static void name(const float *x, float *y, vf32 va, vf32 vb, int32_t iters) {      \
    vf32 v[N];                                                                       \
    _Pragma("GCC unroll 16") for (int j = 0; j < N; j++) v[j] = fm_load_f32(x + j * FM_F32_LANES); \
    for (int32_t k = 0; k < iters; k++) {                                            \
      _Pragma("GCC unroll 16") for (int j = 0; j < N; j++) v[j] = v[j] * va + vb;    \
    }                                                                                \
    _Pragma("GCC unroll 16") for (int j = 0; j < N; j++) fm_store_f32(y + j * FM_F32_LANES, v[j]); \
  }

DEFINE_GROUP(group_full, CHAINS)
DEFINE_GROUP(group_tail, TAIL_CHAINS)
DEFINE_GROUP(group_one, 1)

/* Fewer elements than a vector holds: one at a time (fmaf: fused, as the vector chains are). */
static void scalar(const float *x, float *y, float a, float b, int32_t iters, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    float v = x[i];
    for (int32_t k = 0; k < iters; k++) v = v * a + b;
    y[i] = v;
  }
}

void fm_fma(uint8_t *base, uint32_t x, uint32_t y, float a, float b, int32_t iters, uint32_t begin, uint32_t end) {
  const float *px = FM_AT(const float, base, x, 0);
  float *py = FM_AT(float, base, y, 0);
  const vf32 va = a - (vf32){0};
  const vf32 vb = b - (vf32){0};
  const uint32_t lanes = FM_F32_LANES;
  uint32_t i = begin;
  for (; i + CHAINS * lanes <= end; i += CHAINS * lanes) group_full(px + i, py + i, va, vb, iters);
  for (; i + TAIL_CHAINS * lanes <= end; i += TAIL_CHAINS * lanes) group_tail(px + i, py + i, va, vb, iters);
  for (; i + lanes <= end; i += lanes) group_one(px + i, py + i, va, vb, iters);
  scalar(px + i, py + i, a, b, iters, end - i);
}
