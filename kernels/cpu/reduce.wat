;; Sum of a float32 array slice [begin, end) with 128-bit SIMD, blocked: each
;; block of 256 floats is summed in four float32 vector accumulators (16 lanes,
;; 16 adds per lane: rounding error ≤ 16 u per block), and the block sums are
;; accumulated in float64, so the error does not grow with the array length.
;; The float64 result is written at byte offset $out. end - begin must be a
;; multiple of 256.
(module
  (import "env" "memory" (memory 1 65536 shared))

  (func (export "sum") (param $x i32) (param $out i32) (param $begin i32) (param $end i32)
    (local $p i32) (local $stop i32) (local $blockEnd i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $lo v128) (local $hi v128)
    (local.set $p (i32.add (local.get $x) (i32.shl (local.get $begin) (i32.const 2))))
    (local.set $stop (i32.add (local.get $x) (i32.shl (local.get $end) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
      (loop $block
        (local.set $s0 (v128.load offset=0 (local.get $p)))
        (local.set $s1 (v128.load offset=16 (local.get $p)))
        (local.set $s2 (v128.load offset=32 (local.get $p)))
        (local.set $s3 (v128.load offset=48 (local.get $p)))
        (local.set $blockEnd (i32.add (local.get $p) (i32.const 1024)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (loop $step
          (local.set $s0 (f32x4.add (local.get $s0) (v128.load offset=0 (local.get $p))))
          (local.set $s1 (f32x4.add (local.get $s1) (v128.load offset=16 (local.get $p))))
          (local.set $s2 (f32x4.add (local.get $s2) (v128.load offset=32 (local.get $p))))
          (local.set $s3 (f32x4.add (local.get $s3) (v128.load offset=48 (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 64)))
          (br_if $step (i32.lt_u (local.get $p) (local.get $blockEnd))))
        ;; Fold the block's 16 lanes to 4 in float32, then widen to float64.
        (local.set $s0 (f32x4.add (f32x4.add (local.get $s0) (local.get $s1)) (f32x4.add (local.get $s2) (local.get $s3))))
        (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $s0))))
        (local.set $hi (f64x2.add (local.get $hi)
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $s0) (local.get $s0)))))
        (br_if $block (i32.lt_u (local.get $p) (local.get $stop)))))
    (local.set $lo (f64x2.add (local.get $lo) (local.get $hi)))
    (f64.store (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 1 (local.get $lo)))))
)
