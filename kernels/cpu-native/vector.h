/* flopmeter's native CPU kernels: the vector type of the host's widest ISA
 * that the compiler was told about (-march=native), as GCC/Clang vector
 * extensions, and the ISA's name for the result's engine ("native-<isa>").
 * The kernels mirror the WebAssembly kernels in kernels/cpu: the same arguments (byte offsets into
 * one linear memory, element indices [begin, end)), preceded by that memory's
 * base address. Any slice length is accepted (the tails run narrower). */
#ifndef FLOPMETER_VECTOR_H
#define FLOPMETER_VECTOR_H
#include <stdint.h>
#include <string.h>

#if defined(__AVX512F__)
#define FM_ISA "avx512"
#define FM_VBYTES 64
#elif defined(__AVX2__) && defined(__FMA__)
#define FM_ISA "avx2"
#define FM_VBYTES 32
#elif defined(__AVX__)
#define FM_ISA "avx"
#define FM_VBYTES 32
#elif defined(__ARM_FEATURE_SVE) && defined(__ARM_NEON)
/* The kernels use fixed-width (NEON) vectors; SVE's length is not known at compile time. */
#define FM_ISA "neon"
#define FM_VBYTES 16
#elif defined(__ARM_NEON)
#define FM_ISA "neon"
#define FM_VBYTES 16
#elif defined(__SSE2__)
#define FM_ISA "sse2"
#define FM_VBYTES 16
#else
#define FM_ISA "generic"
#define FM_VBYTES 16
#endif

typedef float vf32 __attribute__((vector_size(FM_VBYTES)));
typedef double vf64 __attribute__((vector_size(FM_VBYTES)));
#define FM_F32_LANES (FM_VBYTES / 4)
#define FM_F64_LANES (FM_VBYTES / 8)

/* Unaligned loads and stores (one vector move each once optimised). */
static inline vf32 fm_load_f32(const float *p) { vf32 v; memcpy(&v, p, sizeof v); return v; }
static inline void fm_store_f32(float *p, vf32 v) { memcpy(p, &v, sizeof v); }

/* A typed pointer to the element `index` of the array at byte `offset` in the memory at `base`. */
#define FM_AT(type, base, offset, index) ((type *)((base) + (offset)) + (index))

#endif
