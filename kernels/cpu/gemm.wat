;; Single-precision GEMM, C = A · B, square n × n, row-major, 128-bit SIMD.
;; Two phases per iteration, as an optimized BLAS does inside one call:
;;   pack_b: copy B into column panels of 8 (Bp[panel][k][0..8]), split by panel;
;;   gemm:   C rows [r0, r1) by a 4 × 8 register-blocked micro-kernel.
;; Blocking: KC = 256 so that one B panel block (256 × 8 floats = 8 KiB) stays in
;; L1 while the micro-kernel sweeps MC = 64 rows of A (64 × 256 floats = 64 KiB,
;; an L2-sized block). n must be a multiple of 8; r0 and r1 multiples of 4.
(module
  (import "env" "memory" (memory 1 65536 shared))

  (func (export "pack_b") (param $b i32) (param $bp i32) (param $n i32) (param $begin i32) (param $end i32)
    (local $jp i32) (local $k i32) (local $src i32) (local $dst i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $jp (local.get $begin))
    (block $done
      (br_if $done (i32.ge_u (local.get $jp) (local.get $end)))
      (loop $panel
        (local.set $src (i32.add (local.get $b) (i32.shl (local.get $jp) (i32.const 5))))
        (local.set $dst (i32.add (local.get $bp) (i32.mul (local.get $jp) (i32.shl (local.get $n) (i32.const 5)))))
        (local.set $k (local.get $n))
        (loop $row
          (v128.store offset=0 (local.get $dst) (v128.load offset=0 (local.get $src)))
          (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
          (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br_if $row (local.get $k)))
        (local.set $jp (i32.add (local.get $jp) (i32.const 1)))
        (br_if $panel (i32.lt_u (local.get $jp) (local.get $end))))))

  ;; C[i..i+4][8·jp..8·jp+8] (+)= A[i..i+4][k0..k1] · Bp[jp][k0..k1]; accumulates onto C when k0 > 0.
  (func $micro (param $a i32) (param $bp i32) (param $c i32) (param $n i32) (param $i i32) (param $jp i32) (param $k0 i32) (param $k1 i32)
    (local $rb i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $kk i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local.set $rb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $pa (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k0)) (i32.const 2))))
    (local.set $pb (i32.add (local.get $bp) (i32.shl (i32.add (i32.mul (local.get $jp) (local.get $n)) (local.get $k0)) (i32.const 5))))
    (local.set $pc (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (i32.shl (local.get $jp) (i32.const 3))) (i32.const 2))))
    (if (local.get $k0)
      (then
        (local.set $c00 (v128.load offset=0 (local.get $pc)))
        (local.set $c01 (v128.load offset=16 (local.get $pc)))
        (local.set $c10 (v128.load offset=0 (i32.add (local.get $pc) (local.get $rb))))
        (local.set $c11 (v128.load offset=16 (i32.add (local.get $pc) (local.get $rb))))
        (local.set $c20 (v128.load offset=0 (i32.add (local.get $pc) (i32.shl (local.get $rb) (i32.const 1)))))
        (local.set $c21 (v128.load offset=16 (i32.add (local.get $pc) (i32.shl (local.get $rb) (i32.const 1)))))
        (local.set $c30 (v128.load offset=0 (i32.add (local.get $pc) (i32.mul (local.get $rb) (i32.const 3)))))
        (local.set $c31 (v128.load offset=16 (i32.add (local.get $pc) (i32.mul (local.get $rb) (i32.const 3)))))))
    (local.set $kk (i32.sub (local.get $k1) (local.get $k0)))
    (loop $k
      (local.set $b0 (v128.load offset=0 (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $av (f32x4.splat (f32.load (local.get $pa))))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (f32x4.splat (f32.load (i32.add (local.get $pa) (local.get $rb)))))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (f32x4.splat (f32.load (i32.add (local.get $pa) (i32.shl (local.get $rb) (i32.const 1))))))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (f32x4.splat (f32.load (i32.add (local.get $pa) (i32.mul (local.get $rb) (i32.const 3))))))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
      (local.set $kk (i32.sub (local.get $kk) (i32.const 1)))
      (br_if $k (local.get $kk)))
    (v128.store offset=0 (local.get $pc) (local.get $c00))
    (v128.store offset=16 (local.get $pc) (local.get $c01))
    (v128.store offset=0 (i32.add (local.get $pc) (local.get $rb)) (local.get $c10))
    (v128.store offset=16 (i32.add (local.get $pc) (local.get $rb)) (local.get $c11))
    (v128.store offset=0 (i32.add (local.get $pc) (i32.shl (local.get $rb) (i32.const 1))) (local.get $c20))
    (v128.store offset=16 (i32.add (local.get $pc) (i32.shl (local.get $rb) (i32.const 1))) (local.get $c21))
    (v128.store offset=0 (i32.add (local.get $pc) (i32.mul (local.get $rb) (i32.const 3))) (local.get $c30))
    (v128.store offset=16 (i32.add (local.get $pc) (i32.mul (local.get $rb) (i32.const 3))) (local.get $c31)))

  (func (export "gemm") (param $a i32) (param $bp i32) (param $c i32) (param $n i32) (param $r0 i32) (param $r1 i32)
    (local $kc i32) (local $kend i32) (local $ib i32) (local $iend i32) (local $jp i32) (local $i i32) (local $panels i32)
    (local.set $panels (i32.shr_u (local.get $n) (i32.const 3)))
    (block $done
      (br_if $done (i32.or (i32.ge_u (local.get $r0) (local.get $r1)) (i32.eqz (local.get $panels))))
      (loop $kblock
        (local.set $kend (select (i32.add (local.get $kc) (i32.const 256)) (local.get $n)
                                 (i32.lt_u (i32.add (local.get $kc) (i32.const 256)) (local.get $n))))
        (local.set $ib (local.get $r0))
        (loop $iblock
          (local.set $iend (select (i32.add (local.get $ib) (i32.const 64)) (local.get $r1)
                                   (i32.lt_u (i32.add (local.get $ib) (i32.const 64)) (local.get $r1))))
          (local.set $jp (i32.const 0))
          (loop $panel
            (local.set $i (local.get $ib))
            (loop $rows
              (call $micro (local.get $a) (local.get $bp) (local.get $c) (local.get $n)
                           (local.get $i) (local.get $jp) (local.get $kc) (local.get $kend))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br_if $rows (i32.lt_u (local.get $i) (local.get $iend))))
            (local.set $jp (i32.add (local.get $jp) (i32.const 1)))
            (br_if $panel (i32.lt_u (local.get $jp) (local.get $panels))))
          (local.set $ib (local.get $iend))
          (br_if $iblock (i32.lt_u (local.get $ib) (local.get $r1))))
        (local.set $kc (local.get $kend))
        (br_if $kblock (i32.lt_u (local.get $kc) (local.get $n))))))
)
