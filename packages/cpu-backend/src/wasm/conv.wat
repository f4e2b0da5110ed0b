;; Direct convolution on WebAssembly SIMD for inputs of few channels (a network's first
;; layer: im2col there copies runs of one to four floats, and its product has a depth of
;; kh * kw * inC, too shallow for the GEMM's blocking), NHWC, float32.
;;
;; The host (src/util/conv_direct.ts) writes a parameter block of i32 at `P` (byte offsets
;; below) and two tables, copies the operands in, calls `forward` or `filter_grad`, and
;; copies the result out. Addresses in bytes. The image comes zero-padded (every window
;; lies inside it, so no tap is tested), output channels padded to a multiple of 8: the
;; filter is [K = kh * kw * inC, ocp], the bias [ocp], outputs and dy [pixels, ocp].
;;   0 x   4 filter   8 bias   12 out (or dy)   16 ocp * 4   20 K   24 taps: K offsets of
;;   the window's taps from its corner   28 corners: each pixel of an image, its window's
;;   corner from the image's   32 pixels per image * 4   36 bytes per padded image
;;   40 act (0 none, 1 relu, 2 relu6)   44 dfilter   48 bytes between chunks' dfilters
;;   52 y (0: none)   56 y's pass limit (see $act_run)   60 dbias (0: none)   64 scratch
;;   68 bytes per row of dy and y where y is given
;;   96, 100: the pixel cursor (see $next)   128: the filter gradient's run of corners
;; Both entries take the range of output pixels [first, end) to run, so that two threads
;; can share one band; the gradient also takes its chunk's number and sums into that
;; chunk's own dfilter, so the result does not depend on which thread ran which chunk.
(module
  (import "env" "memory" (memory 1))

  ;; The one inner kernel of both entries, a 4 x 8 register tile: for each block of 8
  ;; channels, four rows of sums r = 0..3 gain, for each i32 v of the table [tab, tabEnd),
  ;; the float at v + c_r times the 8 floats at wp + i * ocp. Forward (`bias` not 0): the
  ;; table is the taps, c_r the corners of four pixels, wp the filter; the sums start from
  ;; the bias and go to o_r through the activation. Filter gradient (`bias` 0): the table is
  ;; a run of pixels' corners, c_r four taps, wp their dy; the sums start from 0 and are
  ;; added to o_r, so a chunk's running sums take one float32 addition per run of pixels,
  ;; not per pixel. Rows may repeat (a group's tail): they then get the same sums, and every
  ;; o_r is read before any is written, so a repeated row is added once.
  (func $tile (param $P i32) (param $tab i32) (param $tabEnd i32) (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $c3 i32)
    (param $wp i32) (param $bias i32) (param $o0 i32) (param $o1 i32) (param $o2 i32) (param $o3 i32)
    (local $step i32) (local $cb i32) (local $t i32) (local $w i32) (local $v i32) (local $act i32)
    (local $a v128) (local $w0 v128) (local $w1 v128) (local $lo v128) (local $hi v128) (local $z v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $step (i32.load offset=16 (local.get $P)))
    (local.set $act (i32.load offset=40 (local.get $P)))
    (loop $blocks
      (local.set $s00 (v128.const i64x2 0 0))
      (local.set $s01 (v128.const i64x2 0 0))
      (if (local.get $bias) (then
        (local.set $s00 (v128.load (i32.add (local.get $bias) (local.get $cb))))
        (local.set $s01 (v128.load offset=16 (i32.add (local.get $bias) (local.get $cb))))))
      (local.set $s10 (local.get $s00)) (local.set $s11 (local.get $s01))
      (local.set $s20 (local.get $s00)) (local.set $s21 (local.get $s01))
      (local.set $s30 (local.get $s00)) (local.set $s31 (local.get $s01))
      (local.set $t (local.get $tab))
      (local.set $w (i32.add (local.get $wp) (local.get $cb)))
      (loop $taps
        (local.set $v (i32.load (local.get $t)))
        (local.set $w0 (v128.load (local.get $w)))
        (local.set $w1 (v128.load offset=16 (local.get $w)))
        (local.set $a (v128.load32_splat (i32.add (local.get $v) (local.get $c0))))
        (local.set $s00 (f32x4.add (f32x4.mul (local.get $a) (local.get $w0)) (local.get $s00)))
        (local.set $s01 (f32x4.add (f32x4.mul (local.get $a) (local.get $w1)) (local.get $s01)))
        (local.set $a (v128.load32_splat (i32.add (local.get $v) (local.get $c1))))
        (local.set $s10 (f32x4.add (f32x4.mul (local.get $a) (local.get $w0)) (local.get $s10)))
        (local.set $s11 (f32x4.add (f32x4.mul (local.get $a) (local.get $w1)) (local.get $s11)))
        (local.set $a (v128.load32_splat (i32.add (local.get $v) (local.get $c2))))
        (local.set $s20 (f32x4.add (f32x4.mul (local.get $a) (local.get $w0)) (local.get $s20)))
        (local.set $s21 (f32x4.add (f32x4.mul (local.get $a) (local.get $w1)) (local.get $s21)))
        (local.set $a (v128.load32_splat (i32.add (local.get $v) (local.get $c3))))
        (local.set $s30 (f32x4.add (f32x4.mul (local.get $a) (local.get $w0)) (local.get $s30)))
        (local.set $s31 (f32x4.add (f32x4.mul (local.get $a) (local.get $w1)) (local.get $s31)))
        (local.set $w (i32.add (local.get $w) (local.get $step)))
        (br_if $taps (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 4))) (local.get $tabEnd))))
      (if (i32.eqz (local.get $bias)) (then
        (local.set $s00 (f32x4.add (local.get $s00) (v128.load (i32.add (local.get $o0) (local.get $cb)))))
        (local.set $s01 (f32x4.add (local.get $s01) (v128.load offset=16 (i32.add (local.get $o0) (local.get $cb)))))
        (local.set $s10 (f32x4.add (local.get $s10) (v128.load (i32.add (local.get $o1) (local.get $cb)))))
        (local.set $s11 (f32x4.add (local.get $s11) (v128.load offset=16 (i32.add (local.get $o1) (local.get $cb)))))
        (local.set $s20 (f32x4.add (local.get $s20) (v128.load (i32.add (local.get $o2) (local.get $cb)))))
        (local.set $s21 (f32x4.add (local.get $s21) (v128.load offset=16 (i32.add (local.get $o2) (local.get $cb)))))
        (local.set $s30 (f32x4.add (local.get $s30) (v128.load (i32.add (local.get $o3) (local.get $cb)))))
        (local.set $s31 (f32x4.add (local.get $s31) (v128.load offset=16 (i32.add (local.get $o3) (local.get $cb)))))))
      ;; The activation as a clamp to [lo, hi]: none (-inf, inf), relu (0, inf), relu6 (0, 6),
      ;; then + z. pmax/pmin are one instruction each (max/min test NaN and -0 in about eight)
      ;; and keep NaN (the sum, their first operand, when unordered); adding z (+0 where it
      ;; clamps) makes -0 +0 as the GEMM's epilogue does, and z = -0 leaves every sum as it is.
      ;; Set here, after the loop, so that they hold no register in it.
      (local.set $lo (select (result v128) (v128.const i64x2 0 0) (v128.const f32x4 -inf -inf -inf -inf) (local.get $act)))
      (local.set $hi (select (result v128) (v128.const f32x4 6 6 6 6) (v128.const f32x4 inf inf inf inf) (i32.eq (local.get $act) (i32.const 2))))
      (local.set $z (select (result v128) (v128.const i64x2 0 0) (v128.const f32x4 -0 -0 -0 -0) (local.get $act)))
      (v128.store (i32.add (local.get $o0) (local.get $cb)) (f32x4.add (f32x4.pmin (f32x4.pmax (local.get $s00) (local.get $lo)) (local.get $hi)) (local.get $z)))
      (v128.store offset=16 (i32.add (local.get $o0) (local.get $cb)) (f32x4.add (f32x4.pmin (f32x4.pmax (local.get $s01) (local.get $lo)) (local.get $hi)) (local.get $z)))
      (v128.store (i32.add (local.get $o1) (local.get $cb)) (f32x4.add (f32x4.pmin (f32x4.pmax (local.get $s10) (local.get $lo)) (local.get $hi)) (local.get $z)))
      (v128.store offset=16 (i32.add (local.get $o1) (local.get $cb)) (f32x4.add (f32x4.pmin (f32x4.pmax (local.get $s11) (local.get $lo)) (local.get $hi)) (local.get $z)))
      (v128.store (i32.add (local.get $o2) (local.get $cb)) (f32x4.add (f32x4.pmin (f32x4.pmax (local.get $s20) (local.get $lo)) (local.get $hi)) (local.get $z)))
      (v128.store offset=16 (i32.add (local.get $o2) (local.get $cb)) (f32x4.add (f32x4.pmin (f32x4.pmax (local.get $s21) (local.get $lo)) (local.get $hi)) (local.get $z)))
      (v128.store (i32.add (local.get $o3) (local.get $cb)) (f32x4.add (f32x4.pmin (f32x4.pmax (local.get $s30) (local.get $lo)) (local.get $hi)) (local.get $z)))
      (v128.store offset=16 (i32.add (local.get $o3) (local.get $cb)) (f32x4.add (f32x4.pmin (f32x4.pmax (local.get $s31) (local.get $lo)) (local.get $hi)) (local.get $z)))
      (br_if $blocks (i32.lt_u (local.tee $cb (i32.add (local.get $cb) (i32.const 32))) (local.get $step)))))

  ;; The pixel cursor, at P + 96 (its byte offset in the corners table) and P + 100 (its
  ;; image's address): places it at pixel `p` (one division per call of an entry, not per pixel).
  (func $seek (param $P i32) (param $p i32)
    (local $plane i32)
    (local.set $plane (i32.shr_u (i32.load offset=32 (local.get $P)) (i32.const 2)))
    (i32.store offset=96 (local.get $P) (i32.shl (i32.rem_u (local.get $p) (local.get $plane)) (i32.const 2)))
    (i32.store offset=100 (local.get $P) (i32.add (i32.load (local.get $P))
      (i32.mul (i32.div_u (local.get $p) (local.get $plane)) (i32.load offset=36 (local.get $P))))))

  ;; The cursor's pixel's window corner (an address in x); moves the cursor to the next
  ;; pixel where `move` is not 0 (else the next call gives the same pixel: a group's tail).
  (func $next (param $P i32) (param $move i32) (result i32)
    (local $q i32) (local $corner i32)
    (local.set $q (i32.load offset=96 (local.get $P)))
    (local.set $corner (i32.add (i32.load offset=100 (local.get $P)) (i32.load (i32.add (i32.load offset=28 (local.get $P)) (local.get $q)))))
    (if (local.get $move) (then
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (if (i32.eq (local.get $q) (i32.load offset=32 (local.get $P))) (then
        (local.set $q (i32.const 0))
        (i32.store offset=100 (local.get $P) (i32.add (i32.load offset=100 (local.get $P)) (i32.load offset=36 (local.get $P))))))
      (i32.store offset=96 (local.get $P) (local.get $q))))
    (local.get $corner))

  ;; Row `i` (clamped to `last`) of the rows `step` bytes apart from `base`.
  (func $row (param $base i32) (param $i i32) (param $last i32) (param $step i32) (result i32)
    (i32.add (local.get $base) (i32.mul (select (local.get $i) (local.get $last) (i32.lt_u (local.get $i) (local.get $last))) (local.get $step))))

  ;; out[p, :] = act(bias + sum of the window of p times the filter), pixels [first, end),
  ;; four at a time (the last group repeats pixel end - 1).
  (func (export "forward") (param $P i32) (param $first i32) (param $end i32)
    (local $p i32) (local $step i32) (local $last i32) (local $out i32)
    (br_if 0 (i32.ge_u (local.get $first) (local.get $end)))
    (call $seek (local.get $P) (local.get $first))
    (local.set $step (i32.load offset=16 (local.get $P)))
    (local.set $out (i32.load offset=12 (local.get $P)))
    (local.set $last (i32.sub (local.get $end) (i32.const 1)))
    (local.set $p (local.get $first))
    (loop $group
      (call $tile (local.get $P) (i32.load offset=24 (local.get $P))
        (i32.add (i32.load offset=24 (local.get $P)) (i32.shl (i32.load offset=20 (local.get $P)) (i32.const 2)))
        (call $next (local.get $P) (i32.lt_u (local.get $p) (local.get $last)))
        (call $next (local.get $P) (i32.lt_u (i32.add (local.get $p) (i32.const 1)) (local.get $last)))
        (call $next (local.get $P) (i32.lt_u (i32.add (local.get $p) (i32.const 2)) (local.get $last)))
        (call $next (local.get $P) (i32.lt_u (i32.add (local.get $p) (i32.const 3)) (local.get $last)))
        (i32.load offset=4 (local.get $P)) (i32.load offset=8 (local.get $P))
        (call $row (local.get $out) (local.get $p) (local.get $last) (local.get $step))
        (call $row (local.get $out) (i32.add (local.get $p) (i32.const 1)) (local.get $last) (local.get $step))
        (call $row (local.get $out) (i32.add (local.get $p) (i32.const 2)) (local.get $last) (local.get $step))
        (call $row (local.get $out) (i32.add (local.get $p) (i32.const 3)) (local.get $last) (local.get $step)))
      (br_if $group (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 4))) (local.get $end)))))

  ;; One run of `n` pixels from pixel `r0` of FusedConv2D's gradient (y at P + 52): each
  ;; row of dy (its channels in vectors of 4, rows P + 68 bytes apart, as y's) passed where
  ;; 0 < bits(y) <= limit (P + 56; relu: bits(+Infinity), relu6: bits(6) - 1; 0 passes all:
  ;; no activation), written to the scratch (P + 64) `ocp` floats a row for the taps, and,
  ;; where dbias is given (P + 60), summed per channel: in float32 over the run (into the
  ;; scratch after its 128 rows), then added in float64 to chunk `chunk`'s partial sums
  ;; (`ocp` doubles each). Returns the scratch's address.
  (func $act_run (param $P i32) (param $r0 i32) (param $n i32) (param $chunk i32) (result i32)
    (local $src i32) (local $ys i32) (local $row i32) (local $dst i32) (local $sums i32) (local $step i32)
    (local $c i32) (local $r i32) (local $db i32)
    (local $bias v128) (local $top v128) (local $all v128) (local $z v128) (local $s v128)
    (local.set $step (i32.load offset=16 (local.get $P)))
    (local.set $row (i32.load offset=68 (local.get $P)))
    (local.set $src (i32.add (i32.load offset=12 (local.get $P)) (i32.mul (local.get $r0) (local.get $row))))
    (local.set $ys (i32.add (i32.load offset=52 (local.get $P)) (i32.mul (local.get $r0) (local.get $row))))
    (local.set $dst (i32.load offset=64 (local.get $P)))
    (local.set $sums (i32.add (local.get $dst) (i32.shl (local.get $step) (i32.const 7))))
    (local.set $bias (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $top (i32x4.splat (i32.xor (i32.load offset=56 (local.get $P)) (i32.const 0x80000000))))
    (local.set $all (i32x4.splat (i32.sub (i32.const 0) (i32.eqz (i32.load offset=56 (local.get $P))))))
    (local.set $c (i32.const 0))
    (loop $zero
      (v128.store (i32.add (local.get $sums) (local.get $c)) (v128.const i64x2 0 0))
      (br_if $zero (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 16))) (local.get $row))))
    (loop $rows
      (local.set $c (i32.const 0))
      (loop $cols
        (local.set $z (v128.and (v128.load (i32.add (local.get $src) (local.get $c)))
          (v128.or (local.get $all)
            (i32x4.lt_s (i32x4.add (v128.load (i32.add (local.get $ys) (local.get $c))) (local.get $bias)) (local.get $top)))))
        (v128.store (i32.add (local.get $dst) (local.get $c)) (local.get $z))
        (v128.store (i32.add (local.get $sums) (local.get $c))
          (f32x4.add (v128.load (i32.add (local.get $sums) (local.get $c))) (local.get $z)))
        (br_if $cols (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 16))) (local.get $row))))
      (local.set $src (i32.add (local.get $src) (local.get $row)))
      (local.set $ys (i32.add (local.get $ys) (local.get $row)))
      (local.set $dst (i32.add (local.get $dst) (local.get $step)))
      (br_if $rows (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $n))))
    (if (local.tee $db (i32.load offset=60 (local.get $P))) (then
      (local.set $db (i32.add (local.get $db) (i32.mul (local.get $chunk) (i32.shl (local.get $step) (i32.const 1)))))
      (local.set $c (i32.const 0))
      (loop $flush
        (local.set $s (v128.load (i32.add (local.get $sums) (local.get $c))))
        (v128.store (local.get $db) (f64x2.add (v128.load (local.get $db)) (f64x2.promote_low_f32x4 (local.get $s))))
        (v128.store offset=16 (local.get $db) (f64x2.add (v128.load offset=16 (local.get $db))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $s) (local.get $s)))))
        (local.set $db (i32.add (local.get $db) (i32.const 32)))
        (br_if $flush (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 16))) (local.get $row))))))
    (i32.load offset=64 (local.get $P)))

  ;; dfilter += the filter gradient of pixels [first, end) (dy at `out`), 128 pixels at a
  ;; time: their corners go to a table at P + 128, then every group of four taps (the last
  ;; repeats tap K - 1) runs over them while their dy rows stay in cache. Each sum takes
  ;; the pixels in order, so a chunk's sums do not depend on the thread. Where y is given
  ;; (FusedConv2D's gradient), each run's dy rows first pass through the activation's
  ;; gradient into the scratch (see $act_run), and the taps read them there.
  (func (export "filter_grad") (param $P i32) (param $first i32) (param $end i32) (param $chunk i32)
    (local $r0 i32) (local $pb i32) (local $n i32) (local $k i32) (local $last i32) (local $step i32) (local $taps i32) (local $d i32) (local $dy i32)
    (br_if 0 (i32.ge_u (local.get $first) (local.get $end)))
    (call $seek (local.get $P) (local.get $first))
    (local.set $step (i32.load offset=16 (local.get $P)))
    (local.set $taps (i32.load offset=24 (local.get $P)))
    (local.set $last (i32.sub (i32.load offset=20 (local.get $P)) (i32.const 1)))
    (local.set $d (i32.add (i32.load offset=44 (local.get $P)) (i32.mul (local.get $chunk) (i32.load offset=48 (local.get $P)))))
    (local.set $pb (local.get $first))
    (loop $run
      (local.set $dy (i32.add (i32.load offset=12 (local.get $P)) (i32.mul (local.get $pb) (local.get $step))))
      (local.set $r0 (local.get $pb))
      (local.set $n (i32.const 0))
      (loop $corners
        (i32.store offset=128 (i32.add (local.get $P) (i32.shl (local.get $n) (i32.const 2))) (call $next (local.get $P) (i32.const 1)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 1)))
        (br_if $corners (i32.and (i32.lt_u (local.tee $n (i32.add (local.get $n) (i32.const 1))) (i32.const 128))
          (i32.lt_u (local.get $pb) (local.get $end)))))
      (if (i32.load offset=52 (local.get $P)) (then
        (local.set $dy (call $act_run (local.get $P) (local.get $r0) (local.get $n) (local.get $chunk)))))
      (local.set $k (i32.const 0))
      (loop $group
        (call $tile (local.get $P) (i32.add (local.get $P) (i32.const 128))
          (i32.add (local.get $P) (i32.shl (i32.add (local.get $n) (i32.const 32)) (i32.const 2)))
          (i32.load (call $row (local.get $taps) (local.get $k) (local.get $last) (i32.const 4)))
          (i32.load (call $row (local.get $taps) (i32.add (local.get $k) (i32.const 1)) (local.get $last) (i32.const 4)))
          (i32.load (call $row (local.get $taps) (i32.add (local.get $k) (i32.const 2)) (local.get $last) (i32.const 4)))
          (i32.load (call $row (local.get $taps) (i32.add (local.get $k) (i32.const 3)) (local.get $last) (i32.const 4)))
          (local.get $dy) (i32.const 0)
          (call $row (local.get $d) (local.get $k) (local.get $last) (local.get $step))
          (call $row (local.get $d) (i32.add (local.get $k) (i32.const 1)) (local.get $last) (local.get $step))
          (call $row (local.get $d) (i32.add (local.get $k) (i32.const 2)) (local.get $last) (local.get $step))
          (call $row (local.get $d) (i32.add (local.get $k) (i32.const 3)) (local.get $last) (local.get $step)))
        (br_if $group (i32.le_u (local.tee $k (i32.add (local.get $k) (i32.const 4))) (local.get $last))))
      (br_if $run (i32.lt_u (local.get $pb) (local.get $end)))))
)
