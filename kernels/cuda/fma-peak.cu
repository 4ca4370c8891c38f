// Peak multiply-add rate: every thread holds independent chains y = fma(y, a, b)
// in registers for k steps (four float4 chains, or eight __half2 chains: 16
// elements per thread either way), reading its inputs once and writing once.
// 2 FLOP per element-step. The loop is unrolled by 4 so that loop overhead
// stays off the FMA pipes.

extern "C" __global__ void fma_f32(const float4* __restrict__ x, float4* __restrict__ y, float a, float b, int k) {
  const unsigned long long base = (blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x) * 4;
  float4 v0 = x[base], v1 = x[base + 1], v2 = x[base + 2], v3 = x[base + 3];
#define FMA4(v) v.x = fmaf(v.x, a, b); v.y = fmaf(v.y, a, b); v.z = fmaf(v.z, a, b); v.w = fmaf(v.w, a, b);
#pragma unroll 4
  for (int s = 0; s < k; s++) {
    FMA4(v0) FMA4(v1) FMA4(v2) FMA4(v3)
  }
  y[base] = v0; y[base + 1] = v1; y[base + 2] = v2; y[base + 3] = v3;
}

// float16 pairs through the PTX instruction directly (fma.rn.f16x2, sm_53 and up), so the
// source needs no cuda_fp16.h: a and b arrive as packed half2 bit patterns.
__device__ __forceinline__ unsigned hfma2(unsigned v, unsigned a, unsigned b) {
  unsigned r;
  asm("fma.rn.f16x2 %0, %1, %2, %3;" : "=r"(r) : "r"(v), "r"(a), "r"(b));
  return r;
}

extern "C" __global__ void fma_f16x2(const unsigned* __restrict__ x, unsigned* __restrict__ y, unsigned a, unsigned b, int k) {
  const unsigned long long base = (blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x) * 8;
  unsigned v[8];
#pragma unroll
  for (int c = 0; c < 8; c++) v[c] = x[base + c];
#pragma unroll 4
  for (int s = 0; s < k; s++) {
#pragma unroll
    for (int c = 0; c < 8; c++) v[c] = hfma2(v[c], a, b);
  }
#pragma unroll
  for (int c = 0; c < 8; c++) y[base + c] = v[c];
}
