// Matrix multiply C = A·B, square N × N, row-major, with 2-D block tiling and
// register blocking: a workgroup computes a BM × BN tile of C; each invocation
// a TM × TN block of it, held in registers. Per step of BK along k, the
// workgroup stages A's BM × BK tile (transposed, so an invocation reads its TM
// values of a column contiguously) and B's BK × BN tile in workgroup memory
// with 16-byte loads; each invocation then accumulates TM × TN outer products.
// Accumulation is in float32 whatever the element type T.
//
// Alias and constants flopmeter prepends (with `enable f16;` for half precision):
//   alias T = f32 | f16
//   const N: u32             matrix size (a multiple of BM, BN and BK)
//   const BM, BN, BK: u32    tile sizes (BK and TN multiples of 4)
//   const TM, TN: u32        register block per invocation
// Workgroup: (BN / TN) × (BM / TM) invocations; dispatch (N / BN) × (N / BM).

@group(0) @binding(0) var<storage, read> A: array<vec4<T>>;
@group(0) @binding(1) var<storage, read> B: array<vec4<T>>;
@group(0) @binding(2) var<storage, read_write> C: array<vec4<T>>;

const WGX = BN / TN;
const WGY = BM / TM;
const THREADS = WGX * WGY;
const N4 = N / 4u;

var<workgroup> As: array<T, BK * BM>;       // As[k * BM + m]: A's tile, transposed
var<workgroup> Bs: array<vec4<T>, BK * BN / 4u>; // Bs[k * BN/4 + n/4]

@compute @workgroup_size(WGX, WGY)
fn gemm(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let tid = lid.y * WGX + lid.x;
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
  var acc: array<array<vec4<f32>, TN / 4u>, TM>;
  var a: array<f32, TM>;
  var b: array<vec4<f32>, TN / 4u>;

  for (var k0 = 0u; k0 < N; k0 += BK) {
    // Stage A[row0 .. +BM][k0 .. +BK], transposed.
    for (var i = tid; i < BM * BK / 4u; i += THREADS) {
      let m = i / (BK / 4u);
      let kq = i % (BK / 4u);
      let v = A[(row0 + m) * N4 + k0 / 4u + kq];
      As[(kq * 4u + 0u) * BM + m] = v.x;
      As[(kq * 4u + 1u) * BM + m] = v.y;
      As[(kq * 4u + 2u) * BM + m] = v.z;
      As[(kq * 4u + 3u) * BM + m] = v.w;
    }
    // Stage B[k0 .. +BK][col0 .. +BN].
    for (var i = tid; i < BK * BN / 4u; i += THREADS) {
      let k = i / (BN / 4u);
      let nq = i % (BN / 4u);
      Bs[i] = B[(k0 + k) * N4 + col0 / 4u + nq];
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      for (var m = 0u; m < TM; m++) {
        a[m] = f32(As[k * BM + lid.y * TM + m]);
      }
      for (var j = 0u; j < TN / 4u; j++) {
        b[j] = vec4<f32>(Bs[k * (BN / 4u) + lid.x * (TN / 4u) + j]);
      }
      for (var m = 0u; m < TM; m++) {
        for (var j = 0u; j < TN / 4u; j++) {
          acc[m][j] = fma(vec4<f32>(a[m]), b[j], acc[m][j]);
        }
      }
    }
    workgroupBarrier();
  }
  for (var m = 0u; m < TM; m++) {
    for (var j = 0u; j < TN / 4u; j++) {
      C[(row0 + lid.y * TM + m) * N4 + col0 / 4u + lid.x * (TN / 4u) + j] = vec4<T>(acc[m][j]);
    }
  }
}
