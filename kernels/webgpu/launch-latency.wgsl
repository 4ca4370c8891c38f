// The near-empty dispatch for launch-latency: one invocation copies a token, so
// verification can tell that the dispatch ran. Timed from submit to completion.

@group(0) @binding(0) var<storage, read> token: array<f32>;
@group(0) @binding(1) var<storage, read_write> slot: array<f32>;

@compute @workgroup_size(1)
fn touch() {
  slot[0] = token[0];
}
