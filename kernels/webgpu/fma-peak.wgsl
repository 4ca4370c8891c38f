// Peak multiply-add rate: every invocation holds four independent vec4 chains
// y = fma(y, a, b) in registers for K steps (instruction-level parallelism for
// the FMA pipelines), reading its 16 inputs once and writing its 16 outputs
// once. 2 FLOP per element-step.
//
// Alias and constants flopmeter prepends (with `enable f16;` for half precision):
//   alias T = f32 | f16
//   const WG: u32   invocations per workgroup
//   const K: u32    multiply-adds per chain
//   const A: f32, B: f32   the contraction's coefficients (exact in T)
// A 2-D dispatch (x, y) covers more than 65535 workgroups.

@group(0) @binding(0) var<storage, read> x: array<vec4<T>>;
@group(0) @binding(1) var<storage, read_write> y: array<vec4<T>>;

@compute @workgroup_size(WG)
fn fma_peak(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let base = (gid.x + gid.y * nwg.x * WG) * 4u;
  let a = vec4<T>(T(A));
  let b = vec4<T>(T(B));
  var v0 = x[base];
  var v1 = x[base + 1u];
  var v2 = x[base + 2u];
  var v3 = x[base + 3u];
  for (var k = 0u; k < K; k++) {
    v0 = fma(v0, a, b);
    v1 = fma(v1, a, b);
    v2 = fma(v2, a, b);
    v3 = fma(v3, a, b);
  }
  y[base] = v0;
  y[base + 1u] = v1;
  y[base + 2u] = v2;
  y[base + 3u] = v3;
}
