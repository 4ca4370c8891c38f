/* What this build of the native kernels targets, for the result's engine name. */
#include "vector.h"

/* "avx512", "avx2", "avx", "neon", "sse2" or "generic". */
const char *fm_native_isa(void) { return FM_ISA; }

/* Bytes per vector the kernels use. */
int fm_native_vector_bytes(void) { return FM_VBYTES; }

/* Whether a multiply followed by an add is fused (the ISA has FMA and the compiler contracts a*x+b). */
int fm_native_fused(void) {
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA) || defined(__aarch64__)
  return 1;
#else
  return 0;
#endif
}
