;; Direct convolution on WebAssembly SIMD for inputs of few channels (a network's first
;; layer: im2col there copies runs of one to four floats, and its product has a depth of
;; kh * kw * inC, too shallow for the GEMM's blocking), NHWC, float32.
;;
;; The host (src/util/conv_direct.ts) writes a parameter block of i32 at `P` (byte offsets
;; below), copies the operands in, calls `forward` or `filter_grad`, and copies the result
;; out. Addresses in bytes. Output channels are padded to `ocp` (a multiple of 4): the
;; filter is [kh, kw, inC, ocp], the bias [ocp], outputs and dy [pixels, ocp].
;;   0 x   4 filter   8 bias   12 out (or dy)   16 inH   20 inW   24 inC   28 outH   32 outW
;;   36 ocp   40 kh   44 kw   48 sh   52 sw   56 dh   60 dw   64 top   68 left
;;   72 act (0 none, 1 relu, 2 relu6)   84 dfilter   88 bytes between chunks' dfilters
;; Both entries take the range of output pixels [first, end) to run, so that two threads
;; can share one band; the gradient also takes its chunk's number and sums into that
;; chunk's own dfilter, so the result does not depend on which thread ran which chunk.
;; Each output channel block of 32 (eight f32x4 sums) runs per pixel; the channels past
;; the last whole block run four at a time.
(module
  (import "env" "memory" (memory 1))

  ;; One pixel's sums of `lanes` (8 or 1) vectors of channels from `wb` (the filter at the
  ;; block's first channel), image at `xi`, window corner (iy0, ix0), written at `o` with the
  ;; bias from `bp` and the activation applied.
  (func $pixel (param $P i32) (param $lanes i32) (param $xi i32) (param $iy0 i32) (param $ix0 i32)
    (param $wb i32) (param $bp i32) (param $o i32)
    (local $ky i32) (local $kx i32) (local $c i32) (local $iy i32) (local $ix i32) (local $xp i32) (local $wp i32)
    (local $inW i32) (local $inC i32) (local $step i32) (local $act i32) (local $kw i32) (local $whole i32)
    (local $a v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $s4 v128) (local $s5 v128) (local $s6 v128) (local $s7 v128) (local $lo v128) (local $hi v128)
    (local.set $inW (i32.load offset=20 (local.get $P)))
    (local.set $inC (i32.load offset=24 (local.get $P)))
    (local.set $step (i32.shl (i32.load offset=36 (local.get $P)) (i32.const 2)))
    (local.set $s0 (v128.load (local.get $bp)))
    (if (i32.eq (local.get $lanes) (i32.const 8)) (then
      (local.set $s1 (v128.load offset=16 (local.get $bp)))
      (local.set $s2 (v128.load offset=32 (local.get $bp)))
      (local.set $s3 (v128.load offset=48 (local.get $bp)))
      (local.set $s4 (v128.load offset=64 (local.get $bp)))
      (local.set $s5 (v128.load offset=80 (local.get $bp)))
      (local.set $s6 (v128.load offset=96 (local.get $bp)))
      (local.set $s7 (v128.load offset=112 (local.get $bp)))))
    (local.set $kw (i32.load offset=44 (local.get $P)))
    ;; A window inside the image's width, taps adjacent (dw 1): each filter row is one run
    ;; of kw * inC contiguous floats, in x and in the filter alike.
    (local.set $whole (i32.and (i32.eq (i32.load offset=60 (local.get $P)) (i32.const 1))
      (i32.and (i32.ge_s (local.get $ix0) (i32.const 0)) (i32.le_s (i32.add (local.get $ix0) (local.get $kw)) (local.get $inW)))))
    (block $ky_done (loop $ky_next
      (br_if $ky_done (i32.ge_u (local.get $ky) (i32.load offset=40 (local.get $P))))
      (local.set $iy (i32.add (local.get $iy0) (i32.mul (local.get $ky) (i32.load offset=56 (local.get $P)))))
      (if (i32.lt_u (local.get $iy) (i32.load offset=16 (local.get $P))) (then
        (local.set $kx (i32.const 0))
        (block $kx_done (loop $kx_next
          (br_if $kx_done (i32.ge_u (local.get $kx) (local.get $kw)))
          (local.set $ix (i32.add (local.get $ix0) (i32.mul (local.get $kx) (i32.load offset=60 (local.get $P)))))
          ;; This run: the whole row, or one tap's inC channels (none when it is padding).
          (local.set $c (select (i32.mul (local.get $kw) (local.get $inC))
            (select (local.get $inC) (i32.const 0) (i32.lt_u (local.get $ix) (local.get $inW))) (local.get $whole)))
          (if (local.get $c) (then
            (local.set $xp (i32.add (local.get $xi)
              (i32.shl (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $inW)) (local.get $ix)) (local.get $inC)) (i32.const 2))))
            (local.set $wp (i32.add (local.get $wb)
              (i32.mul (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $kw)) (local.get $kx)) (local.get $inC))
                (local.get $step))))
            (if (i32.eq (local.get $lanes) (i32.const 8))
              (then (loop $c8
                (local.set $a (v128.load32_splat (local.get $xp)))
                (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $a) (v128.load (local.get $wp)))))
                (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $wp)))))
                (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $a) (v128.load offset=32 (local.get $wp)))))
                (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $a) (v128.load offset=48 (local.get $wp)))))
                (local.set $s4 (f32x4.add (local.get $s4) (f32x4.mul (local.get $a) (v128.load offset=64 (local.get $wp)))))
                (local.set $s5 (f32x4.add (local.get $s5) (f32x4.mul (local.get $a) (v128.load offset=80 (local.get $wp)))))
                (local.set $s6 (f32x4.add (local.get $s6) (f32x4.mul (local.get $a) (v128.load offset=96 (local.get $wp)))))
                (local.set $s7 (f32x4.add (local.get $s7) (f32x4.mul (local.get $a) (v128.load offset=112 (local.get $wp)))))
                (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                (local.set $wp (i32.add (local.get $wp) (local.get $step)))
                (br_if $c8 (local.tee $c (i32.sub (local.get $c) (i32.const 1))))))
              (else (loop $c1
                (local.set $s0 (f32x4.add (local.get $s0)
                  (f32x4.mul (v128.load32_splat (local.get $xp)) (v128.load (local.get $wp)))))
                (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                (local.set $wp (i32.add (local.get $wp) (local.get $step)))
                (br_if $c1 (local.tee $c (i32.sub (local.get $c) (i32.const 1)))))))))
          (local.set $kx (select (local.get $kw) (i32.add (local.get $kx) (i32.const 1)) (local.get $whole)))
          (br $kx_next)))))
      (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
      (br $ky_next)))
    ;; The activation as a clamp to [lo, hi]: none (-inf, inf), relu (0, inf), relu6 (0, 6).
    ;; f32x4.max/min keep NaN and make -0 +0 where they clamp, as the GEMM's epilogue.
    (local.set $act (i32.load offset=72 (local.get $P)))
    (local.set $lo (select (result v128) (v128.const i64x2 0 0) (v128.const f32x4 -inf -inf -inf -inf) (local.get $act)))
    (local.set $hi (select (result v128) (v128.const f32x4 6 6 6 6) (v128.const f32x4 inf inf inf inf) (i32.eq (local.get $act) (i32.const 2))))
    (v128.store (local.get $o) (f32x4.min (f32x4.max (local.get $s0) (local.get $lo)) (local.get $hi)))
    (if (i32.eq (local.get $lanes) (i32.const 8)) (then
      (v128.store offset=16 (local.get $o) (f32x4.min (f32x4.max (local.get $s1) (local.get $lo)) (local.get $hi)))
      (v128.store offset=32 (local.get $o) (f32x4.min (f32x4.max (local.get $s2) (local.get $lo)) (local.get $hi)))
      (v128.store offset=48 (local.get $o) (f32x4.min (f32x4.max (local.get $s3) (local.get $lo)) (local.get $hi)))
      (v128.store offset=64 (local.get $o) (f32x4.min (f32x4.max (local.get $s4) (local.get $lo)) (local.get $hi)))
      (v128.store offset=80 (local.get $o) (f32x4.min (f32x4.max (local.get $s5) (local.get $lo)) (local.get $hi)))
      (v128.store offset=96 (local.get $o) (f32x4.min (f32x4.max (local.get $s6) (local.get $lo)) (local.get $hi)))
      (v128.store offset=112 (local.get $o) (f32x4.min (f32x4.max (local.get $s7) (local.get $lo)) (local.get $hi))))))

  ;; Pixel `p`'s image address and window corner, returned as (xi, iy0, ix0) through
  ;; memory at `P + 96`.
  (func $place (param $P i32) (param $p i32)
    (local $plane i32) (local $r i32) (local $outW i32)
    (local.set $outW (i32.load offset=32 (local.get $P)))
    (local.set $plane (i32.mul (i32.load offset=28 (local.get $P)) (local.get $outW)))
    (local.set $r (i32.rem_u (local.get $p) (local.get $plane)))
    (i32.store offset=96 (local.get $P) (i32.add (i32.load (local.get $P))
      (i32.shl (i32.mul (i32.div_u (local.get $p) (local.get $plane))
        (i32.mul (i32.mul (i32.load offset=16 (local.get $P)) (i32.load offset=20 (local.get $P))) (i32.load offset=24 (local.get $P))))
        (i32.const 2))))
    (i32.store offset=100 (local.get $P) (i32.sub (i32.mul (i32.div_u (local.get $r) (local.get $outW)) (i32.load offset=48 (local.get $P)))
      (i32.load offset=64 (local.get $P))))
    (i32.store offset=104 (local.get $P) (i32.sub (i32.mul (i32.rem_u (local.get $r) (local.get $outW)) (i32.load offset=52 (local.get $P)))
      (i32.load offset=68 (local.get $P)))))

  ;; out[p, :] = act(bias + sum of the window of p times the filter), pixels [first, end).
  (func (export "forward") (param $P i32) (param $first i32) (param $end i32)
    (local $p i32) (local $cb i32) (local $ocp i32) (local $o i32)
    (local.set $ocp (i32.load offset=36 (local.get $P)))
    (local.set $p (local.get $first))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (call $place (local.get $P) (local.get $p))
      (local.set $o (i32.add (i32.load offset=12 (local.get $P)) (i32.shl (i32.mul (local.get $p) (local.get $ocp)) (i32.const 2))))
      (local.set $cb (i32.const 0))
      (block $blocks (loop $block
        (br_if $blocks (i32.gt_u (i32.add (local.get $cb) (i32.const 32)) (local.get $ocp)))
        (call $pixel (local.get $P) (i32.const 8) (i32.load offset=96 (local.get $P)) (i32.load offset=100 (local.get $P))
          (i32.load offset=104 (local.get $P)) (i32.add (i32.load offset=4 (local.get $P)) (i32.shl (local.get $cb) (i32.const 2)))
          (i32.add (i32.load offset=8 (local.get $P)) (i32.shl (local.get $cb) (i32.const 2)))
          (i32.add (local.get $o) (i32.shl (local.get $cb) (i32.const 2))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 32)))
        (br $block)))
      (block $tails (loop $tail
        (br_if $tails (i32.ge_u (local.get $cb) (local.get $ocp)))
        (call $pixel (local.get $P) (i32.const 1) (i32.load offset=96 (local.get $P)) (i32.load offset=100 (local.get $P))
          (i32.load offset=104 (local.get $P)) (i32.add (i32.load offset=4 (local.get $P)) (i32.shl (local.get $cb) (i32.const 2)))
          (i32.add (i32.load offset=8 (local.get $P)) (i32.shl (local.get $cb) (i32.const 2)))
          (i32.add (local.get $o) (i32.shl (local.get $cb) (i32.const 2))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
        (br $tail)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $next))))
  ;; The filter gradient of one tap (ky, kx, c) and one block of `lanes` (8 or 1) vectors of
  ;; channels from `cb`, over the pixels [pb, pe) whose places `fill` wrote at `P + 128`:
  ;; dfilter[ky, kx, c, cb..] += sum over p of x[window of p at the tap] * dy[p, cb..].
  (func $tap (param $P i32) (param $lanes i32) (param $pb i32) (param $pe i32) (param $ky i32) (param $kx i32)
    (param $c i32) (param $cb i32) (param $dbase i32)
    (local $p i32) (local $t i32) (local $iy i32) (local $ix i32) (local $d i32) (local $dp i32)
    (local $inW i32) (local $inC i32) (local $step i32) (local $kyd i32) (local $kxd i32) (local $a v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $s4 v128) (local $s5 v128) (local $s6 v128) (local $s7 v128)
    (local.set $inW (i32.load offset=20 (local.get $P)))
    (local.set $inC (i32.load offset=24 (local.get $P)))
    (local.set $step (i32.shl (i32.load offset=36 (local.get $P)) (i32.const 2)))
    (local.set $kyd (i32.mul (local.get $ky) (i32.load offset=56 (local.get $P))))
    (local.set $kxd (i32.mul (local.get $kx) (i32.load offset=60 (local.get $P))))
    ;; This tap's row of dfilter at the block.
    (local.set $d (i32.add (local.get $dbase) (i32.add (i32.shl (local.get $cb) (i32.const 2))
      (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $ky) (i32.load offset=44 (local.get $P))) (local.get $kx)) (local.get $inC))
        (local.get $c)) (local.get $step)))))
    (local.set $s0 (v128.load (local.get $d)))
    (if (i32.eq (local.get $lanes) (i32.const 8)) (then
      (local.set $s1 (v128.load offset=16 (local.get $d)))
      (local.set $s2 (v128.load offset=32 (local.get $d)))
      (local.set $s3 (v128.load offset=48 (local.get $d)))
      (local.set $s4 (v128.load offset=64 (local.get $d)))
      (local.set $s5 (v128.load offset=80 (local.get $d)))
      (local.set $s6 (v128.load offset=96 (local.get $d)))
      (local.set $s7 (v128.load offset=112 (local.get $d)))))
    (local.set $p (local.get $pb))
    (local.set $t (i32.add (local.get $P) (i32.const 128)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $pe)))
      (local.set $iy (i32.add (i32.load offset=4 (local.get $t)) (local.get $kyd)))
      (local.set $ix (i32.add (i32.load offset=8 (local.get $t)) (local.get $kxd)))
      (if (i32.and (i32.lt_u (local.get $iy) (i32.load offset=16 (local.get $P))) (i32.lt_u (local.get $ix) (local.get $inW))) (then
        (local.set $a (v128.load32_splat (i32.add (i32.load (local.get $t))
          (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $inW)) (local.get $ix)) (local.get $inC)) (local.get $c))
            (i32.const 2)))))
        (local.set $dp (i32.add (i32.load offset=12 (local.get $P))
          (i32.add (i32.mul (local.get $p) (local.get $step)) (i32.shl (local.get $cb) (i32.const 2)))))
        (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $a) (v128.load (local.get $dp)))))
        (if (i32.eq (local.get $lanes) (i32.const 8)) (then
          (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $dp)))))
          (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $a) (v128.load offset=32 (local.get $dp)))))
          (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $a) (v128.load offset=48 (local.get $dp)))))
          (local.set $s4 (f32x4.add (local.get $s4) (f32x4.mul (local.get $a) (v128.load offset=64 (local.get $dp)))))
          (local.set $s5 (f32x4.add (local.get $s5) (f32x4.mul (local.get $a) (v128.load offset=80 (local.get $dp)))))
          (local.set $s6 (f32x4.add (local.get $s6) (f32x4.mul (local.get $a) (v128.load offset=96 (local.get $dp)))))
          (local.set $s7 (f32x4.add (local.get $s7) (f32x4.mul (local.get $a) (v128.load offset=112 (local.get $dp)))))))))
      (local.set $t (i32.add (local.get $t) (i32.const 12)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $next)))
    (v128.store (local.get $d) (local.get $s0))
    (if (i32.eq (local.get $lanes) (i32.const 8)) (then
      (v128.store offset=16 (local.get $d) (local.get $s1))
      (v128.store offset=32 (local.get $d) (local.get $s2))
      (v128.store offset=48 (local.get $d) (local.get $s3))
      (v128.store offset=64 (local.get $d) (local.get $s4))
      (v128.store offset=80 (local.get $d) (local.get $s5))
      (v128.store offset=96 (local.get $d) (local.get $s6))
      (v128.store offset=112 (local.get $d) (local.get $s7)))))

  ;; dfilter += the filter gradient of pixels [first, end) (dy at `out`), 64 pixels at a
  ;; time: their places go to a table at P + 128, then every tap and channel block runs
  ;; over them while their dy rows stay in cache.
  (func (export "filter_grad") (param $P i32) (param $first i32) (param $end i32) (param $chunk i32)
    (local $pb i32) (local $pe i32) (local $p i32) (local $t i32) (local $ky i32) (local $kx i32) (local $c i32) (local $cb i32)
    (local $ocp i32) (local $dbase i32)
    (local.set $ocp (i32.load offset=36 (local.get $P)))
    (local.set $dbase (i32.add (i32.load offset=84 (local.get $P)) (i32.mul (local.get $chunk) (i32.load offset=88 (local.get $P)))))
    (local.set $pb (local.get $first))
    (block $done (loop $band
      (br_if $done (i32.ge_u (local.get $pb) (local.get $end)))
      (local.set $pe (i32.add (local.get $pb) (i32.const 64)))
      (if (i32.gt_u (local.get $pe) (local.get $end)) (then (local.set $pe (local.get $end))))
      (local.set $p (local.get $pb))
      (local.set $t (i32.add (local.get $P) (i32.const 128)))
      (block $placed (loop $place_next
        (br_if $placed (i32.ge_u (local.get $p) (local.get $pe)))
        (call $place (local.get $P) (local.get $p))
        (i32.store (local.get $t) (i32.load offset=96 (local.get $P)))
        (i32.store offset=4 (local.get $t) (i32.load offset=100 (local.get $P)))
        (i32.store offset=8 (local.get $t) (i32.load offset=104 (local.get $P)))
        (local.set $t (i32.add (local.get $t) (i32.const 12)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $place_next)))
      (local.set $ky (i32.const 0))
      (block $ky_done (loop $ky_next
        (br_if $ky_done (i32.ge_u (local.get $ky) (i32.load offset=40 (local.get $P))))
        (local.set $kx (i32.const 0))
        (block $kx_done (loop $kx_next
          (br_if $kx_done (i32.ge_u (local.get $kx) (i32.load offset=44 (local.get $P))))
          (local.set $c (i32.const 0))
          (block $c_done (loop $c_next
            (br_if $c_done (i32.ge_u (local.get $c) (i32.load offset=24 (local.get $P))))
            (local.set $cb (i32.const 0))
            (block $blocks (loop $block
              (br_if $blocks (i32.gt_u (i32.add (local.get $cb) (i32.const 32)) (local.get $ocp)))
              (call $tap (local.get $P) (i32.const 8) (local.get $pb) (local.get $pe) (local.get $ky) (local.get $kx) (local.get $c) (local.get $cb) (local.get $dbase))
              (local.set $cb (i32.add (local.get $cb) (i32.const 32)))
              (br $block)))
            (block $tails (loop $tail
              (br_if $tails (i32.ge_u (local.get $cb) (local.get $ocp)))
              (call $tap (local.get $P) (i32.const 1) (local.get $pb) (local.get $pe) (local.get $ky) (local.get $kx) (local.get $c) (local.get $cb) (local.get $dbase))
              (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
              (br $tail)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $c_next)))
          (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
          (br $kx_next)))
        (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
        (br $ky_next)))
      (local.set $pb (local.get $pe))
      (br $band))))
)
