;; Matrix multiply on WebAssembly SIMD for float32 data: blocking, packing, macro-kernels,
;; narrowing.
;;
;; `gemm` is the whole cache-blocked product of one block of C (GotoBLAS's loops): it packs
;; blocks of A and B (any strides, so transposes cost nothing) into panels and runs the
;; macro-kernel on them. The host (src/util/gemm_wasm.ts) copies the operands in, calls
;; `gemm` once, or, with a second thread, once on each thread for two halves of C (same
;; module, same shared memory, each thread its own pack buffers), then copies C out. All
;; addresses and strides are in bytes, in the imported memory. Two precisions:
;;   pack64, macro64, demote: sums in f64 (the default: exact products, double sums, the
;;     TypeScript GEMM's arithmetic), f64x2 lanes, ~8 flops/cycle;
;;   pack, macro: sums in f32, f32x4 lanes, ~16 flops/cycle. Each multiply-add is written
;;     `(f32x4.add (f32x4.mul (local.get x) (local.get y)) (local.get acc))`: the host
;;     rewrites exactly that byte pattern into relaxed SIMD's fused `f32x4.relaxed_madd`
;;     where the engine has it (src/util/multiply_add.ts), so keep every one in that form.
;;
;; Assembled by scripts/build-wasm.mjs (wabt) into src/wasm/gemm_wasm.ts as written; the
;; threads' twin, its memory import declared `shared` (maximum 16384 pages, 1 GiB), is
;; derived from those bytes at load time (src/util/shared_twin.ts).
;; Keep the binary under 4 KB so that browsers allow synchronous compilation on the main
;; thread.
(module
  (import "env" "memory" (memory 1))

  ;; Packs `count` lines of depth `kc` into panels of `w` (4 or 8) lines interleaved along
  ;; depth: element `kk` of line `t` goes to float `(t / w) * w * kc + kk * w + t % w` of
  ;; `dst`, read from byte `src + t * ls + kk * ds`. Lines past `count`, up to a multiple
  ;; of `w`, are zeros. Writes are sequential; reads are one contiguous copy per depth
  ;; when lines are adjacent (ls = 4), 4x4 transposes when depths are (ds = 4), else scalar.
  (func $pack (export "pack")
    (param $dst i32) (param $src i32) (param $ls i32) (param $ds i32)
    (param $count i32) (param $kc i32) (param $w i32)
    (local $p i32) (local $valid i32) (local $kk i32) (local $t i32) (local $s i32)
    (local $line i32) (local $wb i32) (local $g i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128)
    (local.set $wb (i32.shl (local.get $w) (i32.const 2)))
    (block $panels_done
      (loop $panels
        (br_if $panels_done (i32.ge_u (local.get $p) (local.get $count)))
        (local.set $valid (i32.sub (local.get $count) (local.get $p)))
        (if (i32.gt_u (local.get $valid) (local.get $w)) (then (local.set $valid (local.get $w))))
        (local.set $line (i32.add (local.get $src) (i32.mul (local.get $p) (local.get $ls))))
        (local.set $kk (i32.const 0))
        (if (i32.and (i32.eq (local.get $valid) (local.get $w)) (i32.eq (local.get $ls) (i32.const 4)))
          (then
            ;; Adjacent lines: one depth is w contiguous floats.
            (local.set $s (local.get $line))
            (block $copy_done
              (loop $copy
                (br_if $copy_done (i32.ge_u (local.get $kk) (local.get $kc)))
                (v128.store (local.get $dst) (v128.load (local.get $s)))
                (if (i32.eq (local.get $w) (i32.const 8))
                  (then (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $s)))))
                (local.set $dst (i32.add (local.get $dst) (local.get $wb)))
                (local.set $s (i32.add (local.get $s) (local.get $ds)))
                (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
                (br $copy))))
          (else
            (if (i32.and (i32.eq (local.get $valid) (local.get $w)) (i32.eq (local.get $ds) (i32.const 4)))
              (then
                ;; Adjacent depths: read 4 lines x 4 depths, transpose in registers.
                (block $tr_done
                  (loop $tr
                    (br_if $tr_done (i32.gt_u (i32.add (local.get $kk) (i32.const 4)) (local.get $kc)))
                    (local.set $g (i32.const 0))
                    (loop $group
                      (local.set $s (i32.add
                        (i32.add (local.get $line) (i32.mul (local.get $g) (local.get $ls)))
                        (i32.shl (local.get $kk) (i32.const 2))))
                      ;; Lines a, b, c, d of the group, depths 0-3 each.
                      (local.set $r0 (v128.load (local.get $s)))
                      (local.set $r1 (v128.load (i32.add (local.get $s) (local.get $ls))))
                      (local.set $r2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $ls) (i32.const 1)))))
                      (local.set $r3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $ls) (i32.const 3)))))
                      ;; [a0 b0 a1 b1], [a2 b2 a3 b3], [c0 d0 c1 d1], [c2 d2 c3 d3]
                      (local.set $q0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
                      (local.set $q1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
                      (local.set $q2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
                      (local.set $q3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
                      ;; Depth j is [aj bj cj dj], stored at line g of the panel, depth kk + j.
                      (local.set $s (i32.add (local.get $dst) (i32.shl (local.get $g) (i32.const 2))))
                      (v128.store (local.get $s) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $q0) (local.get $q2)))
                      (local.set $s (i32.add (local.get $s) (local.get $wb)))
                      (v128.store (local.get $s) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $q0) (local.get $q2)))
                      (local.set $s (i32.add (local.get $s) (local.get $wb)))
                      (v128.store (local.get $s) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $q1) (local.get $q3)))
                      (local.set $s (i32.add (local.get $s) (local.get $wb)))
                      (v128.store (local.get $s) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $q1) (local.get $q3)))
                      (local.set $g (i32.add (local.get $g) (i32.const 4)))
                      (br_if $group (i32.lt_u (local.get $g) (local.get $w))))
                    (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $wb) (i32.const 2))))
                    (local.set $kk (i32.add (local.get $kk) (i32.const 4)))
                    (br $tr)))))
            ;; Everything else (and the last depths of the transposing path): one float at a time.
            (block $rest_done
              (loop $rest
                (br_if $rest_done (i32.ge_u (local.get $kk) (local.get $kc)))
                (local.set $s (i32.add (local.get $line) (i32.mul (local.get $kk) (local.get $ds))))
                (local.set $t (i32.const 0))
                (loop $lines
                  (if (i32.lt_u (local.get $t) (local.get $valid))
                    (then (f32.store (local.get $dst) (f32.load (local.get $s))))
                    (else (f32.store (local.get $dst) (f32.const 0))))
                  (local.set $s (i32.add (local.get $s) (local.get $ls)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                  (local.set $t (i32.add (local.get $t) (i32.const 1)))
                  (br_if $lines (i32.lt_u (local.get $t) (local.get $w))))
                (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
                (br $rest)))))
        (local.set $p (i32.add (local.get $p) (local.get $w)))
        (br $panels))))

  ;; C += A B (or C = A B when `add` is 0) for one packed block: A is `mr / 4` panels of
  ;; 4 rows x `kc`, B is `nr / 8` panels of `kc` x 8 columns (as `pack` writes them), C is
  ;; row-major with a row every `ldc` bytes, `mr` x `nr` of it written (both multiples of
  ;; the tile, so the driver pads C). `kc` >= 1. The micro-kernel keeps a 4x8 tile of C in
  ;; eight f32x4 locals (V8 has 16 xmm registers on x64: 8 sums, 2 of B, 1 of A, 1 product)
  ;; and per depth loads 2 vectors of B and broadcasts 4 floats of A: 8 multiply-adds (16
  ;; instructions, or 8 fused ones) for 6 loads.
  ;; Columns outside (jr), rows inside (ir): one panel of B (kc x 8, 8 KB at kc = 256) stays
  ;; in L1 while the block of A streams from L2.
  (func $macro (export "macro")
    (param $ap i32) (param $bp i32) (param $c i32) (param $mr i32) (param $nr i32)
    (param $kc i32) (param $ldc i32) (param $add i32)
    (local $i i32) (local $j i32) (local $pa i32) (local $pb i32) (local $cp i32) (local $kk i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (loop $jr
      (local.set $i (i32.const 0))
      (loop $ir
        (local.set $pa (i32.add (local.get $ap) (i32.shl (i32.mul (local.get $i) (local.get $kc)) (i32.const 2))))
        (local.set $pb (i32.add (local.get $bp) (i32.shl (i32.mul (local.get $j) (local.get $kc)) (i32.const 2))))
        (local.set $c00 (v128.const i64x2 0 0))
        (local.set $c01 (v128.const i64x2 0 0))
        (local.set $c10 (v128.const i64x2 0 0))
        (local.set $c11 (v128.const i64x2 0 0))
        (local.set $c20 (v128.const i64x2 0 0))
        (local.set $c21 (v128.const i64x2 0 0))
        (local.set $c30 (v128.const i64x2 0 0))
        (local.set $c31 (v128.const i64x2 0 0))
        (local.set $kk (local.get $kc))
        (loop $k
          (local.set $b0 (v128.load (local.get $pb)))
          (local.set $b1 (v128.load offset=16 (local.get $pb)))
          (local.set $a (v128.load32_splat (local.get $pa)))
          (local.set $c00 (f32x4.add (f32x4.mul (local.get $a) (local.get $b0)) (local.get $c00)))
          (local.set $c01 (f32x4.add (f32x4.mul (local.get $a) (local.get $b1)) (local.get $c01)))
          (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
          (local.set $c10 (f32x4.add (f32x4.mul (local.get $a) (local.get $b0)) (local.get $c10)))
          (local.set $c11 (f32x4.add (f32x4.mul (local.get $a) (local.get $b1)) (local.get $c11)))
          (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
          (local.set $c20 (f32x4.add (f32x4.mul (local.get $a) (local.get $b0)) (local.get $c20)))
          (local.set $c21 (f32x4.add (f32x4.mul (local.get $a) (local.get $b1)) (local.get $c21)))
          (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
          (local.set $c30 (f32x4.add (f32x4.mul (local.get $a) (local.get $b0)) (local.get $c30)))
          (local.set $c31 (f32x4.add (f32x4.mul (local.get $a) (local.get $b1)) (local.get $c31)))
          (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
          (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
          (br_if $k (local.tee $kk (i32.sub (local.get $kk) (i32.const 1)))))
        (local.set $cp (i32.add (local.get $c)
          (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2)))))
        (if (local.get $add)
          (then
            (v128.store (local.get $cp) (f32x4.add (local.get $c00) (v128.load (local.get $cp))))
            (v128.store offset=16 (local.get $cp) (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $cp))))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store (local.get $cp) (f32x4.add (local.get $c10) (v128.load (local.get $cp))))
            (v128.store offset=16 (local.get $cp) (f32x4.add (local.get $c11) (v128.load offset=16 (local.get $cp))))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store (local.get $cp) (f32x4.add (local.get $c20) (v128.load (local.get $cp))))
            (v128.store offset=16 (local.get $cp) (f32x4.add (local.get $c21) (v128.load offset=16 (local.get $cp))))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store (local.get $cp) (f32x4.add (local.get $c30) (v128.load (local.get $cp))))
            (v128.store offset=16 (local.get $cp) (f32x4.add (local.get $c31) (v128.load offset=16 (local.get $cp)))))
          (else
            (v128.store (local.get $cp) (local.get $c00))
            (v128.store offset=16 (local.get $cp) (local.get $c01))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store (local.get $cp) (local.get $c10))
            (v128.store offset=16 (local.get $cp) (local.get $c11))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store (local.get $cp) (local.get $c20))
            (v128.store offset=16 (local.get $cp) (local.get $c21))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store (local.get $cp) (local.get $c30))
            (v128.store offset=16 (local.get $cp) (local.get $c31))))
        (br_if $ir (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $mr))))
      (br_if $jr (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $nr)))))

  ;; The double-precision-sum variant: `pack64` packs like `pack` with w = 4, widening to
  ;; f64 (a product of two f32 is exact in f64), `macro64` sums in f64x2, C is f64 and
  ;; `demote` narrows it to f32 at the end. Same arithmetic as the TypeScript GEMM, so
  ;; the two agree to the last bit almost always; half the lanes, so about half the speed.
  (func $pack64 (export "pack64")
    (param $dst i32) (param $src i32) (param $ls i32) (param $ds i32) (param $count i32) (param $kc i32)
    (local $p i32) (local $valid i32) (local $kk i32) (local $t i32) (local $s i32) (local $line i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128)
    (block $panels_done
      (loop $panels
        (br_if $panels_done (i32.ge_u (local.get $p) (local.get $count)))
        (local.set $valid (i32.sub (local.get $count) (local.get $p)))
        (if (i32.gt_u (local.get $valid) (i32.const 4)) (then (local.set $valid (i32.const 4))))
        (local.set $line (i32.add (local.get $src) (i32.mul (local.get $p) (local.get $ls))))
        (local.set $kk (i32.const 0))
        (if (i32.and (i32.eq (local.get $valid) (i32.const 4)) (i32.eq (local.get $ls) (i32.const 4)))
          (then
            (local.set $s (local.get $line))
            (block $copy_done
              (loop $copy
                (br_if $copy_done (i32.ge_u (local.get $kk) (local.get $kc)))
                (v128.store (local.get $dst) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $s))))
                (v128.store offset=16 (local.get $dst) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $s))))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (local.set $s (i32.add (local.get $s) (local.get $ds)))
                (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
                (br $copy))))
          (else
            (if (i32.and (i32.eq (local.get $valid) (i32.const 4)) (i32.eq (local.get $ds) (i32.const 4)))
              (then
                (block $tr_done
                  (loop $tr
                    (br_if $tr_done (i32.gt_u (i32.add (local.get $kk) (i32.const 4)) (local.get $kc)))
                    (local.set $s (i32.add (local.get $line) (i32.shl (local.get $kk) (i32.const 2))))
                    (local.set $r0 (v128.load (local.get $s)))
                    (local.set $r1 (v128.load (i32.add (local.get $s) (local.get $ls))))
                    (local.set $r2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $ls) (i32.const 1)))))
                    (local.set $r3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $ls) (i32.const 3)))))
                    ;; [a0 b0 a1 b1], [a2 b2 a3 b3], [c0 d0 c1 d1], [c2 d2 c3 d3]: depth j is
                    ;; [aj bj] and [cj dj], the low or high half of one of them.
                    (local.set $q0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
                    (local.set $q1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
                    (local.set $q2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
                    (local.set $q3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
                    (v128.store offset=0 (local.get $dst) (f64x2.promote_low_f32x4 (local.get $q0)))
                    (v128.store offset=16 (local.get $dst) (f64x2.promote_low_f32x4 (local.get $q2)))
                    (v128.store offset=32 (local.get $dst) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q0) (local.get $q0))))
                    (v128.store offset=48 (local.get $dst) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q2) (local.get $q2))))
                    (v128.store offset=64 (local.get $dst) (f64x2.promote_low_f32x4 (local.get $q1)))
                    (v128.store offset=80 (local.get $dst) (f64x2.promote_low_f32x4 (local.get $q3)))
                    (v128.store offset=96 (local.get $dst) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q1) (local.get $q1))))
                    (v128.store offset=112 (local.get $dst) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q3) (local.get $q3))))
                    (local.set $dst (i32.add (local.get $dst) (i32.const 128)))
                    (local.set $kk (i32.add (local.get $kk) (i32.const 4)))
                    (br $tr)))))
            (block $rest_done
              (loop $rest
                (br_if $rest_done (i32.ge_u (local.get $kk) (local.get $kc)))
                (local.set $s (i32.add (local.get $line) (i32.mul (local.get $kk) (local.get $ds))))
                (local.set $t (i32.const 0))
                (loop $lines
                  (if (i32.lt_u (local.get $t) (local.get $valid))
                    (then (f64.store (local.get $dst) (f64.promote_f32 (f32.load (local.get $s)))))
                    (else (f64.store (local.get $dst) (f64.const 0))))
                  (local.set $s (i32.add (local.get $s) (local.get $ls)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
                  (local.set $t (i32.add (local.get $t) (i32.const 1)))
                  (br_if $lines (i32.lt_u (local.get $t) (i32.const 4))))
                (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
                (br $rest)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $panels))))

  ;; `macro` in f64: panels of 4 (A and B), 4x4 tiles of C in eight f64x2 locals, C f64.
  (func $macro64 (export "macro64")
    (param $ap i32) (param $bp i32) (param $c i32) (param $mr i32) (param $nr i32)
    (param $kc i32) (param $ldc i32) (param $add i32)
    (local $i i32) (local $j i32) (local $pa i32) (local $pb i32) (local $cp i32) (local $kk i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (loop $jr
      (local.set $i (i32.const 0))
      (loop $ir
        (local.set $pa (i32.add (local.get $ap) (i32.shl (i32.mul (local.get $i) (local.get $kc)) (i32.const 3))))
        (local.set $pb (i32.add (local.get $bp) (i32.shl (i32.mul (local.get $j) (local.get $kc)) (i32.const 3))))
        (local.set $c00 (v128.const i64x2 0 0))
        (local.set $c01 (v128.const i64x2 0 0))
        (local.set $c10 (v128.const i64x2 0 0))
        (local.set $c11 (v128.const i64x2 0 0))
        (local.set $c20 (v128.const i64x2 0 0))
        (local.set $c21 (v128.const i64x2 0 0))
        (local.set $c30 (v128.const i64x2 0 0))
        (local.set $c31 (v128.const i64x2 0 0))
        (local.set $kk (local.get $kc))
        (loop $k
          (local.set $b0 (v128.load (local.get $pb)))
          (local.set $b1 (v128.load offset=16 (local.get $pb)))
          (local.set $a (v128.load64_splat (local.get $pa)))
          (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load64_splat offset=8 (local.get $pa)))
          (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load64_splat offset=16 (local.get $pa)))
          (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load64_splat offset=24 (local.get $pa)))
          (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
          (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
          (br_if $k (local.tee $kk (i32.sub (local.get $kk) (i32.const 1)))))
        (local.set $cp (i32.add (local.get $c)
          (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 3)))))
        (if (local.get $add)
          (then
            (v128.store (local.get $cp) (f64x2.add (local.get $c00) (v128.load (local.get $cp))))
            (v128.store offset=16 (local.get $cp) (f64x2.add (local.get $c01) (v128.load offset=16 (local.get $cp))))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store (local.get $cp) (f64x2.add (local.get $c10) (v128.load (local.get $cp))))
            (v128.store offset=16 (local.get $cp) (f64x2.add (local.get $c11) (v128.load offset=16 (local.get $cp))))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store (local.get $cp) (f64x2.add (local.get $c20) (v128.load (local.get $cp))))
            (v128.store offset=16 (local.get $cp) (f64x2.add (local.get $c21) (v128.load offset=16 (local.get $cp))))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store (local.get $cp) (f64x2.add (local.get $c30) (v128.load (local.get $cp))))
            (v128.store offset=16 (local.get $cp) (f64x2.add (local.get $c31) (v128.load offset=16 (local.get $cp)))))
          (else
            (v128.store (local.get $cp) (local.get $c00))
            (v128.store offset=16 (local.get $cp) (local.get $c01))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store (local.get $cp) (local.get $c10))
            (v128.store offset=16 (local.get $cp) (local.get $c11))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store (local.get $cp) (local.get $c20))
            (v128.store offset=16 (local.get $cp) (local.get $c21))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store (local.get $cp) (local.get $c30))
            (v128.store offset=16 (local.get $cp) (local.get $c31))))
        (br_if $ir (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $mr))))
      (br_if $jr (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 4))) (local.get $nr)))))

  ;; C = A B for one block of C, `m` x `n` (both > 0) with depth `k` (> 0): A at `a` with
  ;; strides `ars` (rows) and `acs` (columns), B at `b` likewise, C at `c` with rows `ldc`
  ;; bytes apart, of f32 (or of f64 when `wide`: sums in double, `demote` C afterwards).
  ;; `pa` and `pb` are this call's pack buffers (MC x KC of A, KC x NC of B, in the panel
  ;; element size). Blocking: KC 256; f32 MC 256, NC 512, tiles 4x8; f64 MC 128, NC 256,
  ;; tiles 4x4. Each KC x NC block of B is packed once and stays in L2 while every MC x KC
  ;; block of A is packed and multiplied by it; C's tiles past `m` x `n` (up to whole tiles)
  ;; are written too, so the host keeps C padded.
  (func (export "gemm")
    (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $brs i32) (param $bcs i32)
    (param $c i32) (param $ldc i32) (param $m i32) (param $n i32) (param $k i32)
    (param $pa i32) (param $pb i32) (param $wide i32)
    (local $j0 i32) (local $p0 i32) (local $i0 i32) (local $nb i32) (local $kb i32) (local $mb i32)
    (local $mc i32) (local $nc i32) (local $sh i32) (local $src i32)
    (if (local.get $wide)
      (then (local.set $mc (i32.const 128)) (local.set $nc (i32.const 256)) (local.set $sh (i32.const 3)))
      (else (local.set $mc (i32.const 256)) (local.set $nc (i32.const 512)) (local.set $sh (i32.const 2))))
    (loop $cols
      (local.set $nb (i32.sub (local.get $n) (local.get $j0)))
      (if (i32.gt_u (local.get $nb) (local.get $nc)) (then (local.set $nb (local.get $nc))))
      (local.set $p0 (i32.const 0))
      (loop $depth
        (local.set $kb (i32.sub (local.get $k) (local.get $p0)))
        (if (i32.gt_u (local.get $kb) (i32.const 256)) (then (local.set $kb (i32.const 256))))
        ;; B's block: its lines are columns (bcs apart), its depth runs down the rows.
        (local.set $src (i32.add (local.get $b)
          (i32.add (i32.mul (local.get $p0) (local.get $brs)) (i32.mul (local.get $j0) (local.get $bcs)))))
        (if (local.get $wide)
          (then (call $pack64 (local.get $pb) (local.get $src) (local.get $bcs) (local.get $brs) (local.get $nb) (local.get $kb)))
          (else (call $pack (local.get $pb) (local.get $src) (local.get $bcs) (local.get $brs) (local.get $nb) (local.get $kb) (i32.const 8))))
        (local.set $i0 (i32.const 0))
        (loop $rows
          (local.set $mb (i32.sub (local.get $m) (local.get $i0)))
          (if (i32.gt_u (local.get $mb) (local.get $mc)) (then (local.set $mb (local.get $mc))))
          ;; A's block (its lines are rows, its depth runs along them) times B's, into C
          ;; from row i0, column j0 (`add`: onto what the previous depths left there).
          (local.set $src (i32.add (local.get $c)
            (i32.add (i32.mul (local.get $i0) (local.get $ldc)) (i32.shl (local.get $j0) (local.get $sh)))))
          (if (local.get $wide)
            (then
              (call $pack64 (local.get $pa)
                (i32.add (local.get $a) (i32.add (i32.mul (local.get $i0) (local.get $ars)) (i32.mul (local.get $p0) (local.get $acs))))
                (local.get $ars) (local.get $acs) (local.get $mb) (local.get $kb))
              (call $macro64 (local.get $pa) (local.get $pb) (local.get $src)
                (i32.and (i32.add (local.get $mb) (i32.const 3)) (i32.const -4))
                (i32.and (i32.add (local.get $nb) (i32.const 3)) (i32.const -4))
                (local.get $kb) (local.get $ldc) (local.get $p0)))
            (else
              (call $pack (local.get $pa)
                (i32.add (local.get $a) (i32.add (i32.mul (local.get $i0) (local.get $ars)) (i32.mul (local.get $p0) (local.get $acs))))
                (local.get $ars) (local.get $acs) (local.get $mb) (local.get $kb) (i32.const 4))
              (call $macro (local.get $pa) (local.get $pb) (local.get $src)
                (i32.and (i32.add (local.get $mb) (i32.const 3)) (i32.const -4))
                (i32.and (i32.add (local.get $nb) (i32.const 7)) (i32.const -8))
                (local.get $kb) (local.get $ldc) (local.get $p0))))
          (br_if $rows (i32.lt_u (local.tee $i0 (i32.add (local.get $i0) (local.get $mc))) (local.get $m))))
        (br_if $depth (i32.lt_u (local.tee $p0 (i32.add (local.get $p0) (i32.const 256))) (local.get $k))))
      (br_if $cols (i32.lt_u (local.tee $j0 (i32.add (local.get $j0) (local.get $nc))) (local.get $n)))))

  ;; Narrows `count` (a multiple of 4) f64 at `src` to f32 at `dst`; `dst` may be `src`.
  (func (export "demote") (param $dst i32) (param $src i32) (param $count i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (v128.load (local.get $src)))
          (f32x4.demote_f64x2_zero (v128.load offset=16 (local.get $src)))))
        (local.set $src (i32.add (local.get $src) (i32.const 32)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $each))))
  ;; The fused kernels' epilogue, in place on C (f32, `m` rows `ldc` bytes apart, `n` a
  ;; multiple of 4): each row gets the `n` floats of `bias` added, then the activation
  ;; `act`: 0 none, 1 relu, 2 relu6 (the others stay in TypeScript: leakyRelu's slope is a
  ;; double there, which f32 would round differently). Adding in f32 gives the
  ;; TypeScript epilogue's bits (a double sum of two floats rounds to the same float);
  ;; f32x4.max/min keep NaN and turn -0 into +0, as Math.max/Math.min.
  (func (export "bias_act") (param $c i32) (param $ldc i32) (param $m i32) (param $n i32)
    (param $bias i32) (param $act i32)
    (local $row i32) (local $j i32) (local $end i32) (local $v v128) (local $zero v128) (local $six v128)
    (local.set $six (f32x4.splat (f32.const 6)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $row) (local.get $m)))
      (local.set $j (i32.const 0))
      (block $cols_done (loop $cols
        (br_if $cols_done (i32.ge_u (local.get $j) (local.get $end)))
        (local.set $v (f32x4.add (v128.load (i32.add (local.get $c) (local.get $j)))
                                 (v128.load (i32.add (local.get $bias) (local.get $j)))))
        (if (i32.eq (local.get $act) (i32.const 1))
          (then (local.set $v (f32x4.max (local.get $v) (local.get $zero)))))
        (if (i32.eq (local.get $act) (i32.const 2))
          (then (local.set $v (f32x4.min (f32x4.max (local.get $v) (local.get $zero)) (local.get $six)))))
        (v128.store (i32.add (local.get $c) (local.get $j)) (local.get $v))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $cols)))
      (local.set $c (i32.add (local.get $c) (local.get $ldc)))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $rows))))
)
