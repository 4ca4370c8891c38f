// Single-precision GEMM C = A·B (square n, row-major), flopmeter's own kernel for
// hosts without cuBLAS: 128 × 128 tiles per block of 256 threads, 8 × 8 results
// per thread in registers, BK = 8 slices of A (transposed) and B staged in
// shared memory with 16-byte loads. n must be a multiple of 128.

#define BM 128
#define BN 128
#define BK 8
#define TM 8
#define TN 8

extern "C" __global__ void __launch_bounds__(256) sgemm_tiled(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C, int n) {
  __shared__ float As[BK][BM];
  __shared__ float Bs[BK][BN];
  const int tid = threadIdx.x;
  const int tx = tid % (BN / TN), ty = tid / (BN / TN);
  const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
  float acc[TM][TN] = {};
  float a[TM], b[TN];
  for (int k0 = 0; k0 < n; k0 += BK) {
    // A tile: BM × BK = 1024 floats = 256 float4 loads, one per thread, stored transposed.
    {
      const int m = tid / (BK / 4), kq = tid % (BK / 4);
      const float4 v = *reinterpret_cast<const float4*>(&A[(size_t)(row0 + m) * n + k0 + kq * 4]);
      As[kq * 4 + 0][m] = v.x; As[kq * 4 + 1][m] = v.y; As[kq * 4 + 2][m] = v.z; As[kq * 4 + 3][m] = v.w;
    }
    // B tile: BK × BN = 1024 floats = 256 float4 loads.
    {
      const int k = tid / (BN / 4), nq = tid % (BN / 4);
      *reinterpret_cast<float4*>(&Bs[k][nq * 4]) = *reinterpret_cast<const float4*>(&B[(size_t)(k0 + k) * n + col0 + nq * 4]);
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < BK; k++) {
#pragma unroll
      for (int i = 0; i < TM; i++) a[i] = As[k][ty * TM + i];
#pragma unroll
      for (int j = 0; j < TN; j++) b[j] = Bs[k][tx * TN + j];
#pragma unroll
      for (int i = 0; i < TM; i++)
#pragma unroll
        for (int j = 0; j < TN; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < TM; i++)
#pragma unroll
    for (int j = 0; j < TN; j += 4)
      *reinterpret_cast<float4*>(&C[(size_t)(row0 + ty * TM + i) * n + col0 + tx * TN + j]) = make_float4(acc[i][j], acc[i][j + 1], acc[i][j + 2], acc[i][j + 3]);
}
