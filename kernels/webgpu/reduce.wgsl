// Sum of a float32 array in two dispatches: `partial` gives each of G workgroups
// a grid-stride share of the vec4s, summed per invocation and then by a tree in
// workgroup memory; `total` sums the G partial sums the same way. Tree
// summation keeps the rounding error near log2 of the count, not the count.
//
// Constants flopmeter prepends:
//   const WG: u32  invocations per workgroup (a power of two)
//   const N4: u32  elements / 4
//   const G: u32   workgroups of the first dispatch

@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> partials: array<f32>;
@group(0) @binding(2) var<storage, read_write> result: array<f32>;

var<workgroup> scratch: array<f32, WG>;

fn tree_sum(lane: u32) {
  for (var offset = WG / 2u; offset > 0u; offset = offset / 2u) {
    if (lane < offset) {
      scratch[lane] = scratch[lane] + scratch[lane + offset];
    }
    workgroupBarrier();
  }
}

@compute @workgroup_size(WG)
fn partial(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  var s = vec4<f32>(0.0);
  for (var i = gid.x; i < N4; i += G * WG) {
    s += x[i];
  }
  scratch[lid.x] = (s.x + s.y) + (s.z + s.w);
  workgroupBarrier();
  tree_sum(lid.x);
  if (lid.x == 0u) {
    partials[wid.x] = scratch[0];
  }
}

@compute @workgroup_size(WG)
fn total(@builtin(local_invocation_id) lid: vec3u) {
  var s = 0.0;
  for (var i = lid.x; i < G; i += WG) {
    s += partials[i];
  }
  scratch[lid.x] = s;
  workgroupBarrier();
  tree_sum(lid.x);
  if (lid.x == 0u) {
    result[0] = scratch[0];
  }
}
