// STREAM kernels on float32 (WGSL has no float64), one vec4 (four elements) per
// invocation per step of a grid-stride loop, so every load and store is 16 bytes.
//
// Constants flopmeter prepends:
//   const WG: u32      invocations per workgroup
//   const N4: u32      elements per array / 4
//   const SCALAR: f32  STREAM's scalar q
// Bindings: 0 and 1 are the inputs (read-only), 2 the output.

@group(0) @binding(0) var<storage, read> in0: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> in1: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;

// c = a
@compute @workgroup_size(WG)
fn copy(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < N4; i += nwg.x * WG) {
    out[i] = in0[i];
  }
}

// b = q c
@compute @workgroup_size(WG)
fn scale(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < N4; i += nwg.x * WG) {
    out[i] = SCALAR * in0[i];
  }
}

// c = a + b
@compute @workgroup_size(WG)
fn add(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < N4; i += nwg.x * WG) {
    out[i] = in0[i] + in1[i];
  }
}

// a = b + q c
@compute @workgroup_size(WG)
fn triad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < N4; i += nwg.x * WG) {
    out[i] = in0[i] + SCALAR * in1[i];
  }
}
