// STREAM kernels with 16-byte accesses: double2 for float64, float4 for float32.
// Grid-stride loops over n16 = elements / (16 / sizeof(element)) vectors.
// Sizes are arguments (not macros) so the same source serves NVRTC at run time
// and the PTX nvcc builds ahead of time.

#define STREAM_KERNELS(T, V, suffix)                                                                  \
  extern "C" __global__ void stream_copy_##suffix(const V* __restrict__ a, V* __restrict__ c,        \
                                                  unsigned long long n16) {                            \
    for (unsigned long long i = blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x; i < n16;   \
         i += (unsigned long long)gridDim.x * blockDim.x)                                              \
      c[i] = a[i];                                                                                     \
  }                                                                                                    \
  extern "C" __global__ void stream_scale_##suffix(const V* __restrict__ c, V* __restrict__ b, T q,   \
                                                   unsigned long long n16) {                           \
    for (unsigned long long i = blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x; i < n16;   \
         i += (unsigned long long)gridDim.x * blockDim.x)                                              \
      b[i] = scale(q, c[i]);                                                                           \
  }                                                                                                    \
  extern "C" __global__ void stream_add_##suffix(const V* __restrict__ a, const V* __restrict__ b,    \
                                                 V* __restrict__ c, unsigned long long n16) {          \
    for (unsigned long long i = blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x; i < n16;   \
         i += (unsigned long long)gridDim.x * blockDim.x)                                              \
      c[i] = add(a[i], b[i]);                                                                          \
  }                                                                                                    \
  extern "C" __global__ void stream_triad_##suffix(const V* __restrict__ b, const V* __restrict__ c,  \
                                                   V* __restrict__ a, T q, unsigned long long n16) {   \
    for (unsigned long long i = blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x; i < n16;   \
         i += (unsigned long long)gridDim.x * blockDim.x)                                              \
      a[i] = add(b[i], scale(q, c[i]));                                                                \
  }

__device__ __forceinline__ double2 scale(double q, double2 v) { return make_double2(q * v.x, q * v.y); }
__device__ __forceinline__ double2 add(double2 a, double2 b) { return make_double2(a.x + b.x, a.y + b.y); }
__device__ __forceinline__ float4 scale(float q, float4 v) { return make_float4(q * v.x, q * v.y, q * v.z, q * v.w); }
__device__ __forceinline__ float4 add(float4 a, float4 b) { return make_float4(a.x + b.x, a.y + b.y, a.z + b.z, a.w + b.w); }

STREAM_KERNELS(double, double2, f64)
STREAM_KERNELS(float, float4, f32)
