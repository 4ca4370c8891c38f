;; The near-empty task for launch-latency: each worker copies one float64 token
;; into its own slot, so verification can tell that every worker ran the task.
;; Dispatching it measures the CPU backend's own round trip (wake the workers,
;; run, meet at the barrier).
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "touch") (param $token i32) (param $slot i32)
    (f64.store (local.get $slot) (f64.load (local.get $token))))
)
