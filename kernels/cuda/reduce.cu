// Sum of a float32 array in two launches: reduce_partial gives each block a
// grid-stride share of float4s, summed per thread, then by warp shuffles and a
// per-block tree; reduce_total sums the partial sums the same way. Tree
// summation keeps rounding error near log2 of the count.

__device__ __forceinline__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;
}

// Sums v over the block (blockDim.x a multiple of 32, at most 1024); thread 0 gets the total.
__device__ float block_sum(float v) {
  __shared__ float warps[32];
  v = warp_sum(v);
  if ((threadIdx.x & 31) == 0) warps[threadIdx.x >> 5] = v;
  __syncthreads();
  v = threadIdx.x < (blockDim.x >> 5) ? warps[threadIdx.x] : 0.0f;
  if (threadIdx.x < 32) v = warp_sum(v);
  return v;
}

extern "C" __global__ void reduce_partial(const float4* __restrict__ x, float* __restrict__ partials, unsigned long long n4) {
  float4 s = make_float4(0.f, 0.f, 0.f, 0.f);
  for (unsigned long long i = blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x; i < n4; i += (unsigned long long)gridDim.x * blockDim.x) {
    const float4 v = x[i];
    s.x += v.x; s.y += v.y; s.z += v.z; s.w += v.w;
  }
  const float total = block_sum((s.x + s.y) + (s.z + s.w));
  if (threadIdx.x == 0) partials[blockIdx.x] = total;
}

extern "C" __global__ void reduce_total(const float* __restrict__ partials, float* __restrict__ result, int count) {
  float s = 0.f;
  for (int i = threadIdx.x; i < count; i += blockDim.x) s += partials[i];
  const float total = block_sum(s);
  if (threadIdx.x == 0) result[0] = total;
}
