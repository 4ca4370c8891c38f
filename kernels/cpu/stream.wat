;; STREAM kernels on float64, 128-bit SIMD, 8 doubles (4 vectors) per loop step.
;; Every function works on its slice [begin, end) of the arrays; offsets are
;; byte offsets of the arrays in the shared linear memory. end - begin must
;; be a multiple of 8. Scalars as in STREAM: q = 3.0 is passed in.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; c[i] = a[i]
  (func (export "copy") (param $a i32) (param $c i32) (param $begin i32) (param $end i32)
    (local $pa i32) (local $pc i32) (local $stop i32)
    (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $begin) (i32.const 3))))
    (local.set $pc (i32.add (local.get $c) (i32.shl (local.get $begin) (i32.const 3))))
    (local.set $stop (i32.add (local.get $a) (i32.shl (local.get $end) (i32.const 3))))
    (block $done
      (br_if $done (i32.ge_u (local.get $pa) (local.get $stop)))
      (loop $step
        (v128.store offset=0 (local.get $pc) (v128.load offset=0 (local.get $pa)))
        (v128.store offset=16 (local.get $pc) (v128.load offset=16 (local.get $pa)))
        (v128.store offset=32 (local.get $pc) (v128.load offset=32 (local.get $pa)))
        (v128.store offset=48 (local.get $pc) (v128.load offset=48 (local.get $pa)))
        (local.set $pa (i32.add (local.get $pa) (i32.const 64)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 64)))
        (br_if $step (i32.lt_u (local.get $pa) (local.get $stop))))))

  ;; b[i] = q * c[i]
  (func (export "scale") (param $c i32) (param $b i32) (param $q f64) (param $begin i32) (param $end i32)
    (local $pc i32) (local $pb i32) (local $stop i32) (local $vq v128)
    (local.set $vq (f64x2.splat (local.get $q)))
    (local.set $pc (i32.add (local.get $c) (i32.shl (local.get $begin) (i32.const 3))))
    (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $begin) (i32.const 3))))
    (local.set $stop (i32.add (local.get $c) (i32.shl (local.get $end) (i32.const 3))))
    (block $done
      (br_if $done (i32.ge_u (local.get $pc) (local.get $stop)))
      (loop $step
        (v128.store offset=0 (local.get $pb) (f64x2.mul (local.get $vq) (v128.load offset=0 (local.get $pc))))
        (v128.store offset=16 (local.get $pb) (f64x2.mul (local.get $vq) (v128.load offset=16 (local.get $pc))))
        (v128.store offset=32 (local.get $pb) (f64x2.mul (local.get $vq) (v128.load offset=32 (local.get $pc))))
        (v128.store offset=48 (local.get $pb) (f64x2.mul (local.get $vq) (v128.load offset=48 (local.get $pc))))
        (local.set $pc (i32.add (local.get $pc) (i32.const 64)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 64)))
        (br_if $step (i32.lt_u (local.get $pc) (local.get $stop))))))

  ;; c[i] = a[i] + b[i]
  (func (export "add") (param $a i32) (param $b i32) (param $c i32) (param $begin i32) (param $end i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $stop i32)
    (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $begin) (i32.const 3))))
    (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $begin) (i32.const 3))))
    (local.set $pc (i32.add (local.get $c) (i32.shl (local.get $begin) (i32.const 3))))
    (local.set $stop (i32.add (local.get $a) (i32.shl (local.get $end) (i32.const 3))))
    (block $done
      (br_if $done (i32.ge_u (local.get $pa) (local.get $stop)))
      (loop $step
        (v128.store offset=0 (local.get $pc) (f64x2.add (v128.load offset=0 (local.get $pa)) (v128.load offset=0 (local.get $pb))))
        (v128.store offset=16 (local.get $pc) (f64x2.add (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))))
        (v128.store offset=32 (local.get $pc) (f64x2.add (v128.load offset=32 (local.get $pa)) (v128.load offset=32 (local.get $pb))))
        (v128.store offset=48 (local.get $pc) (f64x2.add (v128.load offset=48 (local.get $pa)) (v128.load offset=48 (local.get $pb))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 64)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 64)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 64)))
        (br_if $step (i32.lt_u (local.get $pa) (local.get $stop))))))

  ;; a[i] = b[i] + q * c[i]
  (func (export "triad") (param $b i32) (param $c i32) (param $a i32) (param $q f64) (param $begin i32) (param $end i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $stop i32) (local $vq v128)
    (local.set $vq (f64x2.splat (local.get $q)))
    (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $begin) (i32.const 3))))
    (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $begin) (i32.const 3))))
    (local.set $pc (i32.add (local.get $c) (i32.shl (local.get $begin) (i32.const 3))))
    (local.set $stop (i32.add (local.get $b) (i32.shl (local.get $end) (i32.const 3))))
    (block $done
      (br_if $done (i32.ge_u (local.get $pb) (local.get $stop)))
      (loop $step
        (v128.store offset=0 (local.get $pa)
          (f64x2.add (v128.load offset=0 (local.get $pb)) (f64x2.mul (local.get $vq) (v128.load offset=0 (local.get $pc)))))
        (v128.store offset=16 (local.get $pa)
          (f64x2.add (v128.load offset=16 (local.get $pb)) (f64x2.mul (local.get $vq) (v128.load offset=16 (local.get $pc)))))
        (v128.store offset=32 (local.get $pa)
          (f64x2.add (v128.load offset=32 (local.get $pb)) (f64x2.mul (local.get $vq) (v128.load offset=32 (local.get $pc)))))
        (v128.store offset=48 (local.get $pa)
          (f64x2.add (v128.load offset=48 (local.get $pb)) (f64x2.mul (local.get $vq) (v128.load offset=48 (local.get $pc)))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 64)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 64)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 64)))
        (br_if $step (i32.lt_u (local.get $pb) (local.get $stop))))))
)
