;; Loops of the CPU backend on WebAssembly SIMD (f32x4) that pay for copying their data in
;; and out: the optimizer updates (ApplyAdam, ApplyRMSProp, ApplySGD), MaxPool and its
;; gradient, and the elementwise passes of layers and their gradients (Relu, comparisons
;; against a scalar, Select, a bias added to every row, float32 +, -, *, / of whole arrays or
;; a scalar), the update of the recurrent cells (LSTMCell, GRUCell) from their gate sums, the
;; gradient of relu and relu6 (FusedActivationGrad), the column sums of Sum over leading
;; axes (in double, f64x2), and dropout masks (DropoutMask: Prng's xoshiro128** stream on four
;; lanes jumped ahead of each other). Where tensors live in the shared WebAssembly memory
;; (src/util/arena.ts) the host runs them on the tensors in place instead of on copied chunks.
;;
;; Each function reads its inputs and writes its outputs at byte addresses in the imported
;; memory, `n` floats each, rounded up to whole vectors (`binary`, `relu` and `relu_grad`,
;; whose loops take two vectors a step: to 8 floats; the host gives every array room for that,
;; as arena blocks and staging chunks are whole 64-byte lines, and ignores the extra lanes).
;; The streaming loops move their pointers and test the end once per step: with an index
;; added to each address and the test at the top, `binary` ran at a third of this speed. The host (src/util/vector_wasm.ts) copies a chunk of
;; each input in, calls the function, and copies the chunk of each output out: the chunks
;; stay in the L1 cache, so the copies cost little, and the square roots and divisions run
;; four at a time (the JavaScript loops run them one at a time in double precision).
;;
;; Every operation of the updates is an IEEE float32 operation in the order of the op-by-op
;; Keras update (the same rounding as the float32 tensors of the unfused optimizer), so both
;; paths give the same bits. MaxPool compares and selects exactly as the TypeScript loop.
;; The cells' sigmoid and tanh are float32 approximations within a few ulps (Cephes's expf
;; and tanhf), where the TypeScript loop takes Math.exp and Math.tanh in double.
;;
;; Assembled by scripts/build-wasm.mjs (wabt) into src/wasm/vector_wasm.ts.
(module
  (import "env" "memory" (memory 1))

  ;; Adam: m' = m + (g - m) * c1; v' = v + (g * g - v) * c2; with amsgrad (ams = 1)
  ;; vh' = max(vh, v'), used in place of v'; w' = w - (m' * alpha) / (sqrt(v') + eps).
  (func (export "adam")
    (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $vh i32)
    (param $ow i32) (param $om i32) (param $ov i32) (param $ovh i32)
    (param $n i32) (param $alpha f32) (param $c1 f32) (param $c2 f32) (param $eps f32) (param $ams i32)
    (local $i i32) (local $end i32)
    (local $a v128) (local $k1 v128) (local $k2 v128) (local $e v128)
    (local $gv v128) (local $mv v128) (local $vv v128) (local $s v128)
    (local.set $a (f32x4.splat (local.get $alpha)))
    (local.set $k1 (f32x4.splat (local.get $c1)))
    (local.set $k2 (f32x4.splat (local.get $c2)))
    (local.set $e (f32x4.splat (local.get $eps)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mv (v128.load (i32.add (local.get $m) (local.get $i))))
        (local.set $vv (v128.load (i32.add (local.get $v) (local.get $i))))
        (local.set $mv (f32x4.add (local.get $mv) (f32x4.mul (f32x4.sub (local.get $gv) (local.get $mv)) (local.get $k1))))
        (local.set $vv
          (f32x4.add (local.get $vv) (f32x4.mul (f32x4.sub (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $vv)) (local.get $k2))))
        (v128.store (i32.add (local.get $om) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $ov) (local.get $i)) (local.get $vv))
        (local.set $s (local.get $vv))
        (if (local.get $ams)
          (then
            (local.set $s (f32x4.max (v128.load (i32.add (local.get $vh) (local.get $i))) (local.get $vv)))
            (v128.store (i32.add (local.get $ovh) (local.get $i)) (local.get $s))))
        (v128.store (i32.add (local.get $ow) (local.get $i))
          (f32x4.sub
            (v128.load (i32.add (local.get $w) (local.get $i)))
            (f32x4.div (f32x4.mul (local.get $mv) (local.get $a)) (f32x4.add (f32x4.sqrt (local.get $s)) (local.get $e)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))

  ;; RMSprop: vel' = vel * rho + (g * g) * c; centered (flags & 2): avg' = avg * rho + g * c
  ;; and den = (vel' - avg' * avg') + eps, else den = vel' + eps; inc = (g * lr) / sqrt(den);
  ;; momentum (flags & 1): mom' = mom * mu + inc and w' = w - mom', else w' = w - inc.
  (func (export "rmsprop")
    (param $w i32) (param $g i32) (param $vel i32) (param $mom i32) (param $avg i32)
    (param $ow i32) (param $ovel i32) (param $omom i32) (param $oavg i32)
    (param $n i32) (param $lr f32) (param $rho f32) (param $c f32) (param $mu f32) (param $eps f32) (param $flags i32)
    (local $i i32) (local $end i32) (local $momentum i32) (local $centered i32)
    (local $l v128) (local $r v128) (local $k v128) (local $u v128) (local $e v128)
    (local $gv v128) (local $vv v128) (local $av v128) (local $den v128) (local $inc v128) (local $step v128)
    (local.set $l (f32x4.splat (local.get $lr)))
    (local.set $r (f32x4.splat (local.get $rho)))
    (local.set $k (f32x4.splat (local.get $c)))
    (local.set $u (f32x4.splat (local.get $mu)))
    (local.set $e (f32x4.splat (local.get $eps)))
    (local.set $momentum (i32.and (local.get $flags) (i32.const 1)))
    (local.set $centered (i32.and (local.get $flags) (i32.const 2)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $vv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $vel) (local.get $i))) (local.get $r))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $k))))
        (v128.store (i32.add (local.get $ovel) (local.get $i)) (local.get $vv))
        (if (local.get $centered)
          (then
            (local.set $av
              (f32x4.add
                (f32x4.mul (v128.load (i32.add (local.get $avg) (local.get $i))) (local.get $r))
                (f32x4.mul (local.get $gv) (local.get $k))))
            (v128.store (i32.add (local.get $oavg) (local.get $i)) (local.get $av))
            (local.set $den (f32x4.add (f32x4.sub (local.get $vv) (f32x4.mul (local.get $av) (local.get $av))) (local.get $e))))
          (else
            (local.set $den (f32x4.add (local.get $vv) (local.get $e)))))
        (local.set $inc (f32x4.div (f32x4.mul (local.get $gv) (local.get $l)) (f32x4.sqrt (local.get $den))))
        (local.set $step (local.get $inc))
        (if (local.get $momentum)
          (then
            (local.set $step
              (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $mom) (local.get $i))) (local.get $u)) (local.get $inc)))
            (v128.store (i32.add (local.get $omom) (local.get $i)) (local.get $step))))
        (v128.store (i32.add (local.get $ow) (local.get $i))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $i))) (local.get $step)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))

  ;; SGD: step = g * lr; without momentum (flags & 1 = 0) w' = w - step; with it
  ;; m' = m * mu - step and w' = w + m', or with nesterov (flags & 2) w' = w + (m' * mu - step).
  (func (export "sgd")
    (param $w i32) (param $g i32) (param $m i32) (param $ow i32) (param $om i32)
    (param $n i32) (param $lr f32) (param $mu f32) (param $flags i32)
    (local $i i32) (local $end i32) (local $momentum i32) (local $nesterov i32)
    (local $l v128) (local $u v128) (local $step v128) (local $mv v128) (local $d v128)
    (local.set $l (f32x4.splat (local.get $lr)))
    (local.set $u (f32x4.splat (local.get $mu)))
    (local.set $momentum (i32.and (local.get $flags) (i32.const 1)))
    (local.set $nesterov (i32.and (local.get $flags) (i32.const 2)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $step (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $i))) (local.get $l)))
        (if (local.get $momentum)
          (then
            (local.set $mv (f32x4.sub (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $u)) (local.get $step)))
            (v128.store (i32.add (local.get $om) (local.get $i)) (local.get $mv))
            (local.set $d (local.get $mv))
            (if (local.get $nesterov)
              (then (local.set $d (f32x4.sub (f32x4.mul (local.get $mv) (local.get $u)) (local.get $step)))))
            (v128.store (i32.add (local.get $ow) (local.get $i))
              (f32x4.add (v128.load (i32.add (local.get $w) (local.get $i))) (local.get $d))))
          (else
            (v128.store (i32.add (local.get $ow) (local.get $i))
              (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $i))) (local.get $step)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))
;; MaxPool or its gradient (`grad` not 0) over 2 x 2 windows 2 apart, every window inside the
  ;; image (`maxpool`'s arguments otherwise): the same results as its general loop (positions
  ;; 0 to 3 scanning rows then columns; a position wins when strictly greater than the best so
  ;; far or when the best is NaN; the gradient writes dy + 0 at the winner and +0 at the other
  ;; three), four channels at a time, with no table of positions.
  (func $maxpool22
    (param $x i32) (param $y i32) (param $at i32) (param $images i32) (param $inH i32) (param $inW i32)
    (param $C i32) (param $outH i32) (param $outW i32) (param $grad i32)
    (local $pix i32) (local $line i32) (local $n i32) (local $oy i32) (local $ox i32) (local $p i32) (local $c i32) (local $o i32)
    (local $best v128) (local $v v128) (local $take v128) (local $idx v128) (local $d v128) (local $m v128)
    (local $zero v128) (local $one v128) (local $two v128) (local $three v128)
    (local.set $one (i32x4.splat (i32.const 1)))
    (local.set $two (i32x4.splat (i32.const 2)))
    (local.set $three (i32x4.splat (i32.const 3)))
    (local.set $pix (i32.shl (local.get $C) (i32.const 2)))
    (local.set $line (i32.mul (local.get $inW) (local.get $pix)))
    (block $images_done (loop $image
      (br_if $images_done (i32.ge_u (local.get $n) (local.get $images)))
      (local.set $oy (i32.const 0))
      (block $rows_done (loop $row
        (br_if $rows_done (i32.ge_u (local.get $oy) (local.get $outH)))
        (local.set $ox (i32.const 0))
        (block $cols_done (loop $col
          (br_if $cols_done (i32.ge_u (local.get $ox) (local.get $outW)))
          ;; The window's first position (n, 2 oy, 2 ox, 0); the others are pix, line and line + pix on.
          (local.set $p (i32.add (local.get $x)
            (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH)) (i32.shl (local.get $oy) (i32.const 1))) (local.get $line))
              (i32.mul (i32.shl (local.get $ox) (i32.const 1)) (local.get $pix)))))
          (local.set $c (i32.const 0))
          (loop $chan
            (if (local.get $grad)
              (then
                ;; dy + 0 (-0 made +0, as the general loop) where the position won, +0 elsewhere.
                (local.set $d (f32x4.add (v128.load (i32.add (local.get $y) (local.get $o))) (local.get $zero)))
                (local.set $m (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
                  (v128.load32_zero (i32.add (local.get $at) (i32.shr_u (local.get $o) (i32.const 2)))))))
                (v128.store (local.get $p) (v128.and (local.get $d) (i32x4.eq (local.get $m) (local.get $zero))))
                (v128.store (i32.add (local.get $p) (local.get $pix)) (v128.and (local.get $d) (i32x4.eq (local.get $m) (local.get $one))))
                (v128.store (i32.add (local.get $p) (local.get $line)) (v128.and (local.get $d) (i32x4.eq (local.get $m) (local.get $two))))
                (v128.store (i32.add (i32.add (local.get $p) (local.get $line)) (local.get $pix))
                  (v128.and (local.get $d) (i32x4.eq (local.get $m) (local.get $three)))))
              (else
                (local.set $best (v128.load (local.get $p)))
                (local.set $v (v128.load (i32.add (local.get $p) (local.get $pix))))
                (local.set $take (v128.or (f32x4.gt (local.get $v) (local.get $best)) (f32x4.ne (local.get $best) (local.get $best))))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
                (local.set $idx (v128.and (local.get $one) (local.get $take)))
                (local.set $v (v128.load (i32.add (local.get $p) (local.get $line))))
                (local.set $take (v128.or (f32x4.gt (local.get $v) (local.get $best)) (f32x4.ne (local.get $best) (local.get $best))))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
                (local.set $idx (v128.bitselect (local.get $two) (local.get $idx) (local.get $take)))
                (local.set $v (v128.load (i32.add (i32.add (local.get $p) (local.get $line)) (local.get $pix))))
                (local.set $take (v128.or (f32x4.gt (local.get $v) (local.get $best)) (f32x4.ne (local.get $best) (local.get $best))))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
                (local.set $idx (v128.bitselect (local.get $three) (local.get $idx) (local.get $take)))
                (v128.store (i32.add (local.get $y) (local.get $o)) (local.get $best))
                (local.set $idx (i16x8.narrow_i32x4_u (local.get $idx) (local.get $idx)))
                (v128.store32_lane 0 (i32.add (local.get $at) (i32.shr_u (local.get $o) (i32.const 2)))
                  (i8x16.narrow_i16x8_u (local.get $idx) (local.get $idx)))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br_if $chan (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 16))) (local.get $pix))))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $col)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $row)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $image))))

  ;; MaxPool over `images` NHWC images at `x` (channels `C`, a multiple of 4), or with `grad`
  ;; set its gradient. For each output pixel, the window clipped to the image is scanned rows
  ;; then columns; its positions, numbered 0, 1, ... in that order (below kh * kw, which must
  ;; fit a byte), are listed once at `tab` (4 * kh * kw bytes of scratch) as byte offsets, and
  ;; each pair of channel vectors runs one short loop over the list.
  ;;   grad 0: a position wins when it is strictly greater than the best so far or the best is
  ;;     NaN (so ties keep the first, and NaN is skipped unless the whole window is NaN). Writes
  ;;     the maxima at `y` and their position numbers as bytes at `at` (an empty window: 0 and
  ;;     kh * kw).
  ;;   grad 1 or 2: reads dy at `y` and the position numbers at `at`, and writes dy + 0 (+0 for
  ;;     -0: the sum the TypeScript loop makes on its zeroed dx) at each window's winning
  ;;     position of `x` and +0 at the others, without a branch per element. 2 stores, for
  ;;     windows that never overlap (the host zeroes the positions outside every window); 1
  ;;     adds onto `x`, zeroed by the host, so overlapping windows sum in output order, as the
  ;;     TypeScript loop.
  (func (export "maxpool")
    (param $x i32) (param $y i32) (param $at i32) (param $tab i32) (param $images i32)
    (param $inH i32) (param $inW i32) (param $C i32) (param $outH i32) (param $outW i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $top i32) (param $left i32) (param $grad i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $ys i32) (local $ye i32) (local $xs i32) (local $xe i32)
    (local $t i32) (local $c i32) (local $o i32) (local $pix i32) (local $line i32) (local $w i32) (local $r i32)
    (local $iy i32) (local $ix i32) (local $k i32) (local $count i32)
    (local $e i32) (local $nan i32)
    (local $best v128) (local $idx v128) (local $v v128) (local $take v128) (local $d v128) (local $m v128) (local $kv v128)
    (local $best2 v128) (local $idx2 v128) (local $d2 v128) (local $m2 v128) (local $zero v128) (local $one v128)
    ;; 2 x 2 windows 2 apart, all inside the image (the CNNs' pooling): the loop below, unrolled.
    (if (i32.and
          (i32.and (i32.and (i32.eq (local.get $kh) (i32.const 2)) (i32.eq (local.get $kw) (i32.const 2)))
            (i32.and (i32.eq (local.get $sh) (i32.const 2)) (i32.eq (local.get $sw) (i32.const 2))))
          (i32.and (i32.eqz (i32.or (local.get $top) (local.get $left)))
            (i32.and (i32.le_u (i32.shl (local.get $outH) (i32.const 1)) (local.get $inH))
              (i32.le_u (i32.shl (local.get $outW) (i32.const 1)) (local.get $inW)))))
      (then
        (call $maxpool22 (local.get $x) (local.get $y) (local.get $at) (local.get $images) (local.get $inH) (local.get $inW)
          (local.get $C) (local.get $outH) (local.get $outW) (local.get $grad))
        (return)))
    (local.set $one (i32x4.splat (i32.const 1)))
    (local.set $pix (i32.shl (local.get $C) (i32.const 2)))
    (local.set $line (i32.mul (local.get $inW) (local.get $pix)))
    (block $images_done (loop $image
      (br_if $images_done (i32.ge_u (local.get $n) (local.get $images)))
      (local.set $oy (i32.const 0))
      (block $rows_done (loop $row
        (br_if $rows_done (i32.ge_u (local.get $oy) (local.get $outH)))
        (local.set $t (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $top)))
        (local.set $ys (select (local.get $t) (i32.const 0) (i32.gt_s (local.get $t) (i32.const 0))))
        (local.set $t (i32.add (local.get $t) (local.get $kh)))
        (local.set $ye (select (local.get $t) (local.get $inH) (i32.lt_s (local.get $t) (local.get $inH))))
        (local.set $ox (i32.const 0))
        (block $cols_done (loop $col
          (br_if $cols_done (i32.ge_u (local.get $ox) (local.get $outW)))
          (local.set $t (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $left)))
          (local.set $xs (select (local.get $t) (i32.const 0) (i32.gt_s (local.get $t) (i32.const 0))))
          (local.set $t (i32.add (local.get $t) (local.get $kw)))
          (local.set $xe (select (local.get $t) (local.get $inW) (i32.lt_s (local.get $t) (local.get $inW))))
          ;; The window's positions as byte offsets from (n, ys, xs, 0), at `w`.
          (local.set $w
            (i32.add (local.get $x)
              (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inH)) (local.get $ys)) (local.get $line))
                (i32.mul (local.get $xs) (local.get $pix)))))
          (local.set $count (i32.const 0))
          (local.set $iy (local.get $ys))
          (block $wy_done (loop $wy
            (br_if $wy_done (i32.ge_s (local.get $iy) (local.get $ye)))
            (local.set $ix (local.get $xs))
            (block $wx_done (loop $wx
              (br_if $wx_done (i32.ge_s (local.get $ix) (local.get $xe)))
              (i32.store (i32.add (local.get $tab) (i32.shl (local.get $count) (i32.const 2)))
                (i32.add (i32.mul (i32.sub (local.get $iy) (local.get $ys)) (local.get $line))
                  (i32.mul (i32.sub (local.get $ix) (local.get $xs)) (local.get $pix))))
              (local.set $count (i32.add (local.get $count) (i32.const 1)))
              (local.set $ix (i32.add (local.get $ix) (i32.const 1)))
              (br $wx)))
            (local.set $iy (i32.add (local.get $iy) (i32.const 1)))
            (br $wy)))
          (local.set $count (i32.shl (local.get $count) (i32.const 2)))
          ;; Two vectors of channels at a time, `c` and `c + e`: e is 16, or 0 for a last lone
          ;; vector, which the second half then repeats (as a gradient of 0, written first).
          (local.set $c (i32.const 0))
          (block $chans_done (loop $chan
            (br_if $chans_done (i32.ge_u (local.get $c) (local.get $pix)))
            (local.set $e (select (i32.const 16) (i32.const 0) (i32.lt_u (i32.add (local.get $c) (i32.const 16)) (local.get $pix))))
            (local.set $r (i32.add (local.get $w) (local.get $c)))
            (local.set $k (i32.const 0))
            (local.set $kv (local.get $zero))
            (if (local.get $grad)
              (then
                ;; dy + 0: the sum the TypeScript loop makes on its zeroed dx.
                (local.set $d (f32x4.add (v128.load (i32.add (local.get $y) (local.get $o))) (local.get $zero)))
                (local.set $d2 (f32x4.add (v128.load (i32.add (local.get $y) (i32.add (local.get $o) (local.get $e)))) (local.get $zero)))
                (if (i32.eqz (local.get $e)) (then (local.set $d2 (local.get $zero))))
                (local.set $t (i32.add (local.get $at) (i32.shr_u (local.get $o) (i32.const 2))))
                (local.set $m (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $t)))))
                (local.set $m2
                  (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
                    (v128.load32_zero (i32.add (local.get $t) (i32.shr_u (local.get $e) (i32.const 2)))))))
                (block $add_done (loop $add
                  (br_if $add_done (i32.ge_u (local.get $k) (local.get $count)))
                  (local.set $t (i32.add (local.get $r) (i32.load (i32.add (local.get $tab) (local.get $k)))))
                  (local.set $v (v128.and (local.get $d2) (i32x4.eq (local.get $m2) (local.get $kv))))
                  (local.set $take (v128.and (local.get $d) (i32x4.eq (local.get $m) (local.get $kv))))
                  ;; grad 1: overlapping windows add up; grad 2: each position is in one window.
                  (if (i32.eq (local.get $grad) (i32.const 1))
                    (then
                      (local.set $v (f32x4.add (v128.load (i32.add (local.get $t) (local.get $e))) (local.get $v)))
                      (local.set $take (f32x4.add (v128.load (local.get $t)) (local.get $take)))))
                  (v128.store (i32.add (local.get $t) (local.get $e)) (local.get $v))
                  (v128.store (local.get $t) (local.get $take))
                  (local.set $kv (i32x4.add (local.get $kv) (local.get $one)))
                  (local.set $k (i32.add (local.get $k) (i32.const 4)))
                  (br $add))))
              (else
                ;; The first position is the best so far (it would replace a NaN best); an empty
                ;; window gives 0 at position kh * kw.
                (if (local.get $count)
                  (then
                    (local.set $t (i32.add (local.get $r) (i32.load (local.get $tab))))
                    (local.set $best (v128.load (local.get $t)))
                    (local.set $best2 (v128.load (i32.add (local.get $t) (local.get $e))))
                    (local.set $idx (local.get $zero))
                    (local.set $idx2 (local.get $zero))
                    (local.set $kv (local.get $one))
                    (local.set $k (i32.const 4)))
                  (else
                    (local.set $best (local.get $zero))
                    (local.set $best2 (local.get $zero))
                    (local.set $idx (i32x4.splat (i32.mul (local.get $kh) (local.get $kw))))
                    (local.set $idx2 (local.get $idx))))
                ;; Unless the first position holds a NaN, the best is never NaN: pmax (best < v ? v : best)
                ;; then picks as the mask does.
                (local.set $nan (v128.any_true (v128.or (f32x4.ne (local.get $best) (local.get $best)) (f32x4.ne (local.get $best2) (local.get $best2)))))
                (block $max_done (loop $max
                  (br_if $max_done (i32.ge_u (local.get $k) (local.get $count)))
                  (local.set $t (i32.add (local.get $r) (i32.load (i32.add (local.get $tab) (local.get $k)))))
                  (local.set $v (v128.load (local.get $t)))
                  (local.set $take (f32x4.gt (local.get $v) (local.get $best)))
                  (if (local.get $nan)
                    (then
                      (local.set $take (v128.or (local.get $take) (f32x4.ne (local.get $best) (local.get $best))))
                      (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take))))
                    (else (local.set $best (f32x4.pmax (local.get $best) (local.get $v)))))
                  ;; Later positions have larger numbers: the winner's is the largest taken.
                  (local.set $idx (i32x4.max_u (local.get $idx) (v128.and (local.get $kv) (local.get $take))))
                  (local.set $v (v128.load (i32.add (local.get $t) (local.get $e))))
                  (local.set $take (f32x4.gt (local.get $v) (local.get $best2)))
                  (if (local.get $nan)
                    (then
                      (local.set $take (v128.or (local.get $take) (f32x4.ne (local.get $best2) (local.get $best2))))
                      (local.set $best2 (v128.bitselect (local.get $v) (local.get $best2) (local.get $take))))
                    (else (local.set $best2 (f32x4.pmax (local.get $best2) (local.get $v)))))
                  (local.set $idx2 (i32x4.max_u (local.get $idx2) (v128.and (local.get $kv) (local.get $take))))
                  (local.set $kv (i32x4.add (local.get $kv) (local.get $one)))
                  (local.set $k (i32.add (local.get $k) (i32.const 4)))
                  (br $max)))
                (v128.store (i32.add (local.get $y) (local.get $o)) (local.get $best))
                (v128.store (i32.add (local.get $y) (i32.add (local.get $o) (local.get $e))) (local.get $best2))
                ;; The position numbers (below 256) narrowed to bytes, four per vector.
                (local.set $idx (i16x8.narrow_i32x4_u (local.get $idx) (local.get $idx2)))
                (local.set $idx (i8x16.narrow_i16x8_u (local.get $idx) (local.get $idx)))
                (local.set $t (i32.add (local.get $at) (i32.shr_u (local.get $o) (i32.const 2))))
                (v128.store32_lane 1 (i32.add (local.get $t) (i32.shr_u (local.get $e) (i32.const 2))) (local.get $idx))
                (v128.store32_lane 0 (local.get $t) (local.get $idx))))
            (local.set $o (i32.add (local.get $o) (i32.add (local.get $e) (i32.const 16))))
            (local.set $c (i32.add (local.get $c) (i32.add (local.get $e) (i32.const 16))))
            (br $chan)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $col)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $row)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $image)))
  )
;; Relu on bit patterns, as the TypeScript loop: a set sign bit clears the value to +0
  ;; unless it is a NaN. `n` floats, rounded up to 8.
  (func (export "relu") (param $x i32) (param $o i32) (param $n i32)
    (local $end i32) (local $v v128) (local $w v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
    (loop $next
      (local.set $v (v128.load (local.get $x)))
      (local.set $w (v128.load offset=16 (local.get $x)))
      (v128.store (local.get $o)
        (v128.andnot (local.get $v) (v128.andnot (i32x4.shr_s (local.get $v) (i32.const 31)) (f32x4.ne (local.get $v) (local.get $v)))))
      (v128.store offset=16 (local.get $o)
        (v128.andnot (local.get $w) (v128.andnot (i32x4.shr_s (local.get $w) (i32.const 31)) (f32x4.ne (local.get $w) (local.get $w)))))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (br_if $next (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 32))) (local.get $end)))))

;; out[k] = x[k] OP s as one byte (1 or 0; NaN compares false), OP by `op`: 0 >, 1 >=,
  ;; 2 <, 3 <=. `n` floats, rounded up to 16.
  (func (export "compare_scalar") (param $x i32) (param $o i32) (param $n i32) (param $s f32) (param $op i32)
    (local $i i32) (local $p i32) (local $sv v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $sv (f32x4.splat (local.get $s)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $p (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $c0 (v128.load (local.get $p)))
      (local.set $c1 (v128.load offset=16 (local.get $p)))
      (local.set $c2 (v128.load offset=32 (local.get $p)))
      (local.set $c3 (v128.load offset=48 (local.get $p)))
      (if (i32.eq (local.get $op) (i32.const 0))
        (then
          (local.set $c0 (f32x4.gt (local.get $c0) (local.get $sv))) (local.set $c1 (f32x4.gt (local.get $c1) (local.get $sv)))
          (local.set $c2 (f32x4.gt (local.get $c2) (local.get $sv))) (local.set $c3 (f32x4.gt (local.get $c3) (local.get $sv))))
        (else (if (i32.eq (local.get $op) (i32.const 1))
          (then
            (local.set $c0 (f32x4.ge (local.get $c0) (local.get $sv))) (local.set $c1 (f32x4.ge (local.get $c1) (local.get $sv)))
            (local.set $c2 (f32x4.ge (local.get $c2) (local.get $sv))) (local.set $c3 (f32x4.ge (local.get $c3) (local.get $sv))))
          (else (if (i32.eq (local.get $op) (i32.const 2))
            (then
              (local.set $c0 (f32x4.lt (local.get $c0) (local.get $sv))) (local.set $c1 (f32x4.lt (local.get $c1) (local.get $sv)))
              (local.set $c2 (f32x4.lt (local.get $c2) (local.get $sv))) (local.set $c3 (f32x4.lt (local.get $c3) (local.get $sv))))
            (else
              (local.set $c0 (f32x4.le (local.get $c0) (local.get $sv))) (local.set $c1 (f32x4.le (local.get $c1) (local.get $sv)))
              (local.set $c2 (f32x4.le (local.get $c2) (local.get $sv))) (local.set $c3 (f32x4.le (local.get $c3) (local.get $sv)))))))))
      (v128.store (i32.add (local.get $o) (local.get $i))
        (v128.and
          (i8x16.narrow_i16x8_s
            (i16x8.narrow_i32x4_s (local.get $c0) (local.get $c1))
            (i16x8.narrow_i32x4_s (local.get $c2) (local.get $c3)))
          (i8x16.splat (i32.const 1))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; out = a OP b elementwise, float32, OP by `op`: 0 +, 1 -, 2 *, 3 /. `n` floats, rounded
  ;; up to 8 (a scalar operand is staged by the host as a run of copies).
  (func (export "binary") (param $a i32) (param $b i32) (param $o i32) (param $n i32) (param $op i32)
    (local $end i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
    ;; One loop per operation, so that none tests the operation per element.
    (block $div (block $mul (block $sub (block $add
      (br_table $add $sub $mul $div (local.get $op)))
        (loop $l_add
          (v128.store (local.get $o) (f32x4.add (v128.load (local.get $a)) (v128.load (local.get $b))))
          (v128.store offset=16 (local.get $o) (f32x4.add (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b))))
          (local.set $a (i32.add (local.get $a) (i32.const 32)))
          (local.set $b (i32.add (local.get $b) (i32.const 32)))
          (br_if $l_add (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 32))) (local.get $end))))
        (return))
      (loop $l_sub
          (v128.store (local.get $o) (f32x4.sub (v128.load (local.get $a)) (v128.load (local.get $b))))
          (v128.store offset=16 (local.get $o) (f32x4.sub (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b))))
          (local.set $a (i32.add (local.get $a) (i32.const 32)))
          (local.set $b (i32.add (local.get $b) (i32.const 32)))
          (br_if $l_sub (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 32))) (local.get $end))))
      (return))
    (loop $l_mul
          (v128.store (local.get $o) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b))))
          (v128.store offset=16 (local.get $o) (f32x4.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b))))
          (local.set $a (i32.add (local.get $a) (i32.const 32)))
          (local.set $b (i32.add (local.get $b) (i32.const 32)))
          (br_if $l_mul (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 32))) (local.get $end))))
    (return))
    (loop $l_div
          (v128.store (local.get $o) (f32x4.div (v128.load (local.get $a)) (v128.load (local.get $b))))
          (v128.store offset=16 (local.get $o) (f32x4.div (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b))))
          (local.set $a (i32.add (local.get $a) (i32.const 32)))
          (local.set $b (i32.add (local.get $b) (i32.const 32)))
          (br_if $l_div (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 32))) (local.get $end)))))

    ;; out[k] = c[k] != 0 ? a[k] : b[k] on 4-byte elements (the bits are copied), `c` one byte
  ;; each; with flags & 1 `a` is one element for all, with flags & 2 `b` is (a single element
  ;; still gets 64 readable bytes: both arms of a `select` are loaded). `n` rounded up to 16.
  (func (export "select") (param $c i32) (param $a i32) (param $b i32) (param $o i32) (param $n i32) (param $flags i32)
    (local $i i32) (local $q i32) (local $aStep i32) (local $bStep i32)
    (local $m v128) (local $h v128) (local $as v128) (local $bs v128)
    (local.set $as (v128.load32_splat (local.get $a)))
    (local.set $bs (v128.load32_splat (local.get $b)))
    (local.set $aStep (select (i32.const 0) (i32.const 1) (i32.and (local.get $flags) (i32.const 1))))
    (local.set $bStep (select (i32.const 0) (i32.const 1) (i32.and (local.get $flags) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      ;; 16 condition bytes -> masks of all ones or zeros, widened to four vectors of 4 lanes.
      (local.set $m (i8x16.ne (v128.load (i32.add (local.get $c) (local.get $i))) (v128.const i32x4 0 0 0 0)))
      (local.set $q (i32.shl (local.get $i) (i32.const 2)))
      (local.set $h (i16x8.extend_low_i8x16_s (local.get $m)))
      (v128.store (i32.add (local.get $o) (local.get $q))
        (v128.bitselect
          (select (local.get $as) (v128.load (i32.add (local.get $a) (i32.mul (local.get $q) (local.get $aStep)))) (i32.eqz (local.get $aStep)))
          (select (local.get $bs) (v128.load (i32.add (local.get $b) (i32.mul (local.get $q) (local.get $bStep)))) (i32.eqz (local.get $bStep)))
          (i32x4.extend_low_i16x8_s (local.get $h))))
      (v128.store offset=16 (i32.add (local.get $o) (local.get $q))
        (v128.bitselect
          (select (local.get $as) (v128.load offset=16 (i32.add (local.get $a) (i32.mul (local.get $q) (local.get $aStep)))) (i32.eqz (local.get $aStep)))
          (select (local.get $bs) (v128.load offset=16 (i32.add (local.get $b) (i32.mul (local.get $q) (local.get $bStep)))) (i32.eqz (local.get $bStep)))
          (i32x4.extend_high_i16x8_s (local.get $h))))
      (local.set $h (i16x8.extend_high_i8x16_s (local.get $m)))
      (v128.store offset=32 (i32.add (local.get $o) (local.get $q))
        (v128.bitselect
          (select (local.get $as) (v128.load offset=32 (i32.add (local.get $a) (i32.mul (local.get $q) (local.get $aStep)))) (i32.eqz (local.get $aStep)))
          (select (local.get $bs) (v128.load offset=32 (i32.add (local.get $b) (i32.mul (local.get $q) (local.get $bStep)))) (i32.eqz (local.get $bStep)))
          (i32x4.extend_low_i16x8_s (local.get $h))))
      (v128.store offset=48 (i32.add (local.get $o) (local.get $q))
        (v128.bitselect
          (select (local.get $as) (v128.load offset=48 (i32.add (local.get $a) (i32.mul (local.get $q) (local.get $aStep)))) (i32.eqz (local.get $aStep)))
          (select (local.get $bs) (v128.load offset=48 (i32.add (local.get $b) (i32.mul (local.get $q) (local.get $bStep)))) (i32.eqz (local.get $bStep)))
          (i32x4.extend_high_i16x8_s (local.get $h))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; out[r * inner + j] = a[r * inner + j] + b[j] for `rows` rows (`inner` a multiple of 4).
  (func (export "add_rows") (param $a i32) (param $b i32) (param $o i32) (param $rows i32) (param $inner i32)
    (local $r i32) (local $j i32) (local $row i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $inner) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $j (i32.const 0))
      (block $row_done (loop $col
        (br_if $row_done (i32.ge_u (local.get $j) (local.get $bytes)))
        (v128.store (i32.add (local.get $o) (i32.add (local.get $row) (local.get $j)))
          (f32x4.add
            (v128.load (i32.add (local.get $a) (i32.add (local.get $row) (local.get $j))))
            (v128.load (i32.add (local.get $b) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $col)))
      (local.set $row (i32.add (local.get $row) (local.get $bytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $next))))

  ;; The gate activations in place on `count` floats (a multiple of 4) from byte `p`: `kind`
  ;; 0 the logistic sigmoid 1 / (1 + e^-x), 1 tanh, 2 e^-2|x| (what tanh's derivative is taken
  ;; from). e^y as Cephes expf: y clamped to [-87, 88], y = n ln2 + r with |r| <= ln2/2, e^r by
  ;; its minimax polynomial, times 2^n built in the exponent bits (within 2 ulps). tanh as
  ;; Cephes tanhf: below |x| = 0.625 the odd polynomial x + x^3 P(x^2), accurate near 0; above,
  ;; 1 - 2 / (e^2|x| + 1) with x's sign. One loop with its constants in locals, which the cells
  ;; call per block of a row: the engine does not inline calls, and a call per vector rebuilt
  ;; every constant and spilled the caller's vectors (the LSTM update ran 1.6x slower so).
  (func $gate_run (param $p i32) (param $count i32) (param $kind i32)
    (local $end i32)
    (local $x v128) (local $a v128) (local $n v128) (local $r v128) (local $q v128) (local $y v128) (local $z v128)
    (local $lo v128) (local $hi v128) (local $log2e v128) (local $ln2hi v128) (local $ln2lo v128)
    (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $e3 v128) (local $e4 v128) (local $e5 v128)
    (local $one v128) (local $two v128) (local $magic v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $t4 v128) (local $small v128)
    (local.set $lo (f32x4.splat (f32.const -87)))
    (local.set $hi (f32x4.splat (f32.const 88)))
    (local.set $log2e (f32x4.splat (f32.const 1.44269504088896341)))
    (local.set $ln2hi (f32x4.splat (f32.const 0.693359375)))
    (local.set $ln2lo (f32x4.splat (f32.const -2.12194440e-4)))
    (local.set $e0 (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $e1 (f32x4.splat (f32.const 1.3981999507e-3)))
    (local.set $e2 (f32x4.splat (f32.const 8.3334519073e-3)))
    (local.set $e3 (f32x4.splat (f32.const 4.1665795894e-2)))
    (local.set $e4 (f32x4.splat (f32.const 1.6666665459e-1)))
    (local.set $e5 (f32x4.splat (f32.const 5.0000001201e-1)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $two (f32x4.splat (f32.const 2)))
    ;; 1.5 * 2^23: an integer-valued float n plus this has n in its low bits (|n| < 2^22).
    (local.set $magic (f32x4.splat (f32.const 12582912)))
    (local.set $t0 (f32x4.splat (f32.const -5.70498872745e-3)))
    (local.set $t1 (f32x4.splat (f32.const 2.06390887954e-2)))
    (local.set $t2 (f32x4.splat (f32.const -5.37397155531e-2)))
    (local.set $t3 (f32x4.splat (f32.const 1.33314422036e-1)))
    (local.set $t4 (f32x4.splat (f32.const -3.33332819422e-1)))
    (local.set $small (f32x4.splat (f32.const 0.625)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $count) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $x (v128.load (local.get $p)))
      (local.set $a (f32x4.abs (local.get $x)))
      ;; e^y for y = -x (sigmoid), 2|x| (tanh) or -2|x|; pmax/pmin clamp in one instruction each
      ;; (max/min's NaN and signed-zero rules cost several), and NaN stays NaN through them.
      (local.set $y (f32x4.add (local.get $a) (local.get $a)))
      (local.set $y
        (if (result v128) (i32.eqz (local.get $kind)) (then (f32x4.neg (local.get $x)))
          (else (if (result v128) (i32.eq (local.get $kind) (i32.const 1)) (then (local.get $y)) (else (f32x4.neg (local.get $y)))))))
      (local.set $y (f32x4.pmin (f32x4.pmax (local.get $y) (local.get $lo)) (local.get $hi)))
      (local.set $n (f32x4.nearest (f32x4.mul (local.get $y) (local.get $log2e))))
      (local.set $r
        (f32x4.sub (f32x4.sub (local.get $y) (f32x4.mul (local.get $n) (local.get $ln2hi))) (f32x4.mul (local.get $n) (local.get $ln2lo))))
      (local.set $q (f32x4.add (f32x4.mul (local.get $e0) (local.get $r)) (local.get $e1)))
      (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (local.get $e2)))
      (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (local.get $e3)))
      (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (local.get $e4)))
      (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (local.get $e5)))
      (local.set $q (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $q) (local.get $r)) (local.get $r)) (local.get $r)) (local.get $one)))
      ;; Times 2^n: n's bits from n + magic, moved into the exponent (n + 127 << 23).
      (local.set $q (f32x4.mul (local.get $q)
        (i32x4.shl (i32x4.add (f32x4.add (local.get $n) (local.get $magic)) (i32x4.splat (i32.const -1262485377))) (i32.const 23))))
      (if (i32.eq (local.get $kind) (i32.const 1))
        (then
          ;; |x| < 0.625: x + x^3 P(x^2); else 1 - 2 / (e^2|x| + 1) with x's sign.
          (local.set $z (f32x4.mul (local.get $x) (local.get $x)))
          (local.set $y (f32x4.add (f32x4.mul (local.get $t0) (local.get $z)) (local.get $t1)))
          (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $z)) (local.get $t2)))
          (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $z)) (local.get $t3)))
          (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $z)) (local.get $t4)))
          (local.set $y (f32x4.add (local.get $x) (f32x4.mul (f32x4.mul (local.get $y) (local.get $z)) (local.get $x))))
          (v128.store (local.get $p)
            (v128.bitselect (local.get $y)
              (v128.or
                (f32x4.sub (local.get $one) (f32x4.div (local.get $two) (f32x4.add (local.get $q) (local.get $one))))
                (v128.and (local.get $x) (i32x4.splat (i32.const 0x80000000))))
              (f32x4.lt (local.get $a) (local.get $small)))))
        (else
          (v128.store (local.get $p)
            (if (result v128) (local.get $kind) (then (local.get $q)) (else (f32x4.div (local.get $one) (f32x4.add (local.get $one) (local.get $q))))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $next))))

  ;; The LSTM update of `rows` rows of `units` (a multiple of 4) from the gate sums z
  ;; (rows x 4 units, gate order i, f, c, o) plus xw (same layout) and the cell state c
  ;; (rows x units): gates [sigmoid, sigmoid, tanh, sigmoid], c' = f c + i g, h' = o tanh(c').
  ;; Row by row, in passes over the row (in cache): the sums into the gates (z may be the
  ;; gates: each element read before it is written), the activations in place, c' and h'
  ;; (tanh(c') computed in h's row).
  (func (export "lstm_rows")
    (param $z i32) (param $xw i32) (param $c i32) (param $gates i32) (param $h i32) (param $co i32)
    (param $rows i32) (param $units i32)
    (local $row i32) (local $j i32) (local $u i32) (local $g i32) (local $cn v128)
    (local.set $u (i32.shl (local.get $units) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $j (i32.const 0))
      (block $sums (loop $sum
        (br_if $sums (i32.ge_u (local.get $j) (i32.shl (local.get $u) (i32.const 2))))
        (v128.store (i32.add (local.get $gates) (local.get $j))
          (f32x4.add (v128.load (i32.add (local.get $z) (local.get $j))) (v128.load (i32.add (local.get $xw) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $sum)))
      (call $gate_run (local.get $gates) (i32.shl (local.get $units) (i32.const 1)) (i32.const 0))
      (call $gate_run (i32.add (local.get $gates) (i32.shl (local.get $u) (i32.const 1))) (local.get $units) (i32.const 1))
      (call $gate_run (i32.add (local.get $gates) (i32.mul (local.get $u) (i32.const 3))) (local.get $units) (i32.const 0))
      (local.set $j (i32.const 0))
      (block $cells (loop $cell
        (br_if $cells (i32.ge_u (local.get $j) (local.get $u)))
        (local.set $g (i32.add (local.get $gates) (local.get $j)))
        (local.set $cn
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $u))) (v128.load (i32.add (local.get $c) (local.get $j))))
            (f32x4.mul (v128.load (local.get $g)) (v128.load (i32.add (local.get $g) (i32.shl (local.get $u) (i32.const 1)))))))
        (v128.store (i32.add (local.get $co) (local.get $j)) (local.get $cn))
        (v128.store (i32.add (local.get $h) (local.get $j)) (local.get $cn))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $cell)))
      (call $gate_run (local.get $h) (local.get $units) (i32.const 1))
      (local.set $j (i32.const 0))
      (block $outs (loop $out
        (br_if $outs (i32.ge_u (local.get $j) (local.get $u)))
        (v128.store (i32.add (local.get $h) (local.get $j))
          (f32x4.mul (v128.load (i32.add (local.get $gates) (i32.add (local.get $j) (i32.mul (local.get $u) (i32.const 3)))))
            (v128.load (i32.add (local.get $h) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $out)))
      (local.set $z (i32.add (local.get $z) (i32.shl (local.get $u) (i32.const 2))))
      (local.set $xw (i32.add (local.get $xw) (i32.shl (local.get $u) (i32.const 2))))
      (local.set $gates (i32.add (local.get $gates) (i32.shl (local.get $u) (i32.const 2))))
      (local.set $c (i32.add (local.get $c) (local.get $u)))
      (local.set $h (i32.add (local.get $h) (local.get $u)))
      (local.set $co (i32.add (local.get $co) (local.get $u)))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $next))))

  ;; The gradient of lstm_rows' update over `rows` rows of `units` (a multiple of 4), from
  ;; dh and dc (rows x units), the step's input cell state c, the gates (rows x 4 units) and
  ;; c': t = tanh(c'), dcAll = dc + dh o (1 - t^2), dz = [dcAll g i (1-i), dcAll c f (1-f),
  ;; dcAll i (1-g)(1+g), dh t o (1-o)], dcPrev = dcAll f. 1 - t^2 is taken as 4e / (1+e)^2
  ;; with e = e^-2|c'| and 1 - g^2 as (1-g)(1+g): both stay accurate where tanh saturates.
  ;; Row by row: tanh(c') into dz's o block and e^-2|c'| into dcPrev's row first (gate_run),
  ;; then one pass that reads them before it writes those places.
  (func (export "lstm_grad_rows")
    (param $dh i32) (param $dc i32) (param $c i32) (param $gates i32) (param $cn i32) (param $dz i32) (param $dcp i32)
    (param $rows i32) (param $units i32)
    (local $row i32) (local $j i32) (local $u i32) (local $g i32) (local $d i32)
    (local $i v128) (local $f v128) (local $gg v128) (local $o v128) (local $q v128) (local $q1 v128)
    (local $dhv v128) (local $all v128) (local $one v128) (local $four v128)
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $four (f32x4.splat (f32.const 4)))
    (local.set $u (i32.shl (local.get $units) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $j (i32.const 0))
      (block $copied (loop $copy
        (br_if $copied (i32.ge_u (local.get $j) (local.get $u)))
        (v128.store (i32.add (local.get $dz) (i32.add (local.get $j) (i32.mul (local.get $u) (i32.const 3))))
          (v128.load (i32.add (local.get $cn) (local.get $j))))
        (v128.store (i32.add (local.get $dcp) (local.get $j)) (v128.load (i32.add (local.get $cn) (local.get $j))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $copy)))
      (call $gate_run (i32.add (local.get $dz) (i32.mul (local.get $u) (i32.const 3))) (local.get $units) (i32.const 1))
      (call $gate_run (local.get $dcp) (local.get $units) (i32.const 2))
      (local.set $j (i32.const 0))
      (block $cols (loop $col
        (br_if $cols (i32.ge_u (local.get $j) (local.get $u)))
        (local.set $g (i32.add (local.get $gates) (local.get $j)))
        (local.set $d (i32.add (local.get $dz) (local.get $j)))
        (local.set $i (v128.load (local.get $g)))
        (local.set $f (v128.load (i32.add (local.get $g) (local.get $u))))
        (local.set $gg (v128.load (i32.add (local.get $g) (i32.shl (local.get $u) (i32.const 1)))))
        (local.set $o (v128.load (i32.add (local.get $g) (i32.mul (local.get $u) (i32.const 3)))))
        (local.set $q (v128.load (i32.add (local.get $dcp) (local.get $j))))
        (local.set $q1 (f32x4.add (local.get $one) (local.get $q)))
        (local.set $dhv (v128.load (i32.add (local.get $dh) (local.get $j))))
        (local.set $all
          (f32x4.add (v128.load (i32.add (local.get $dc) (local.get $j)))
            (f32x4.mul (f32x4.mul (local.get $dhv) (local.get $o))
              (f32x4.div (f32x4.mul (local.get $four) (local.get $q)) (f32x4.mul (local.get $q1) (local.get $q1))))))
        (v128.store (local.get $d)
          (f32x4.mul (f32x4.mul (f32x4.mul (local.get $all) (local.get $gg)) (local.get $i)) (f32x4.sub (local.get $one) (local.get $i))))
        (v128.store (i32.add (local.get $d) (local.get $u))
          (f32x4.mul
            (f32x4.mul (f32x4.mul (local.get $all) (v128.load (i32.add (local.get $c) (local.get $j)))) (local.get $f))
            (f32x4.sub (local.get $one) (local.get $f))))
        (v128.store (i32.add (local.get $d) (i32.shl (local.get $u) (i32.const 1)))
          (f32x4.mul (f32x4.mul (local.get $all) (local.get $i))
            (f32x4.mul (f32x4.sub (local.get $one) (local.get $gg)) (f32x4.add (local.get $one) (local.get $gg)))))
        (local.set $d (i32.add (local.get $d) (i32.mul (local.get $u) (i32.const 3))))
        (v128.store (local.get $d)
          (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dhv) (v128.load (local.get $d))) (local.get $o)) (f32x4.sub (local.get $one) (local.get $o))))
        (v128.store (i32.add (local.get $dcp) (local.get $j)) (f32x4.mul (local.get $all) (local.get $f)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $col)))
      (local.set $dh (i32.add (local.get $dh) (local.get $u)))
      (local.set $dc (i32.add (local.get $dc) (local.get $u)))
      (local.set $c (i32.add (local.get $c) (local.get $u)))
      (local.set $cn (i32.add (local.get $cn) (local.get $u)))
      (local.set $dcp (i32.add (local.get $dcp) (local.get $u)))
      (local.set $gates (i32.add (local.get $gates) (i32.shl (local.get $u) (i32.const 2))))
      (local.set $dz (i32.add (local.get $dz) (i32.shl (local.get $u) (i32.const 2))))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $next))))

  ;; The GRU update (reset_after) of `rows` rows of `units` (a multiple of 4) from the sums
  ;; hz = h @ kernel (rows x 3 units, order z, r, h; with $wide, rows 4 units apart: the GEMM
  ;; wrote them into the gates, which this then overwrites in place, each group of four
  ;; units read before it is written), xw (rows x 3 units), the bias (3 units) and h:
  ;; z, r = sigmoid(xw + (hz + b)), hz_h = hz + b, hh = tanh(xw_h + r hz_h),
  ;; h' = z h + (1 - z) hh; gates (rows x 4 units) = z, r, hh, hz_h.
  ;; Row by row, in passes over the row: the z and r sums (and hz_h + b into the gates' fourth
  ;; block, which the sums never use) first, so that in place every sum is read before its
  ;; place is written; then the activations (gate_run), hh's pre-activation over hz_h's sums, h'.
  (func (export "gru_rows")
    (param $hz i32) (param $xw i32) (param $b i32) (param $h i32) (param $gates i32) (param $ho i32)
    (param $rows i32) (param $units i32) (param $wide i32)
    (local $row i32) (local $j i32) (local $u i32) (local $g i32) (local $x i32) (local $y i32) (local $zv v128)
    (local.set $u (i32.shl (local.get $units) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $j (i32.const 0))
      (block $sums (loop $sum
        (br_if $sums (i32.ge_u (local.get $j) (local.get $u)))
        (local.set $g (i32.add (local.get $gates) (local.get $j)))
        (local.set $x (i32.add (local.get $xw) (local.get $j)))
        (local.set $y (i32.add (local.get $hz) (local.get $j)))
        (v128.store (local.get $g)
          (f32x4.add (v128.load (local.get $x))
            (f32x4.add (v128.load (local.get $y)) (v128.load (i32.add (local.get $b) (local.get $j))))))
        (v128.store (i32.add (local.get $g) (local.get $u))
          (f32x4.add (v128.load (i32.add (local.get $x) (local.get $u)))
            (f32x4.add (v128.load (i32.add (local.get $y) (local.get $u))) (v128.load (i32.add (local.get $b) (i32.add (local.get $j) (local.get $u)))))))
        (v128.store (i32.add (local.get $g) (i32.mul (local.get $u) (i32.const 3)))
          (f32x4.add (v128.load (i32.add (local.get $y) (i32.shl (local.get $u) (i32.const 1))))
            (v128.load (i32.add (local.get $b) (i32.add (local.get $j) (i32.shl (local.get $u) (i32.const 1)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $sum)))
      (call $gate_run (local.get $gates) (i32.shl (local.get $units) (i32.const 1)) (i32.const 0))
      (local.set $j (i32.const 0))
      (block $pres (loop $pre
        (br_if $pres (i32.ge_u (local.get $j) (local.get $u)))
        (local.set $g (i32.add (local.get $gates) (local.get $j)))
        (v128.store (i32.add (local.get $g) (i32.shl (local.get $u) (i32.const 1)))
          (f32x4.add (v128.load (i32.add (local.get $xw) (i32.add (local.get $j) (i32.shl (local.get $u) (i32.const 1)))))
            (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $u))) (v128.load (i32.add (local.get $g) (i32.mul (local.get $u) (i32.const 3)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $pre)))
      (call $gate_run (i32.add (local.get $gates) (i32.shl (local.get $u) (i32.const 1))) (local.get $units) (i32.const 1))
      (local.set $j (i32.const 0))
      (block $outs (loop $out
        (br_if $outs (i32.ge_u (local.get $j) (local.get $u)))
        (local.set $zv (v128.load (i32.add (local.get $gates) (local.get $j))))
        (v128.store (i32.add (local.get $ho) (local.get $j))
          (f32x4.add
            (f32x4.mul (local.get $zv) (v128.load (i32.add (local.get $h) (local.get $j))))
            (f32x4.mul (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $zv))
              (v128.load (i32.add (local.get $gates) (i32.add (local.get $j) (i32.shl (local.get $u) (i32.const 1))))))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $out)))
      (local.set $hz (i32.add (local.get $hz) (i32.mul (local.get $u) (select (i32.const 4) (i32.const 3) (local.get $wide)))))
      (local.set $xw (i32.add (local.get $xw) (i32.mul (local.get $u) (i32.const 3))))
      (local.set $gates (i32.add (local.get $gates) (i32.shl (local.get $u) (i32.const 2))))
      (local.set $h (i32.add (local.get $h) (local.get $u)))
      (local.set $ho (i32.add (local.get $ho) (local.get $u)))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $next))))

  ;; The gradient of gru_rows' update over `rows` rows of `units` (a multiple of 4), from dh
  ;; and h (rows x units) and the gates z, r, hh, hz_h (rows x 4 units): dz = dh (h-hh) z (1-z),
  ;; dhh = dh (1-z) (1-hh)(1+hh), dr = dhh hz_h r (1-r); dxw = [dz, dr, dhh] and
  ;; dhz = [dz, dr, dhh r] (rows x 3 units), dhDirect = dh z. 1 - hh^2 as (1-hh)(1+hh) stays
  ;; accurate where tanh saturates.
  (func (export "gru_grad_rows")
    (param $dh i32) (param $h i32) (param $gates i32) (param $dxw i32) (param $dhz i32) (param $dhd i32)
    (param $rows i32) (param $units i32)
    (local $e i32) (local $end i32) (local $j i32) (local $x i32) (local $s i32) (local $u i32)
    (local $z v128) (local $r v128) (local $hh v128) (local $dhv v128) (local $dzv v128) (local $dhh v128) (local $dr v128) (local $one v128)
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $end (i32.shl (i32.mul (local.get $rows) (local.get $units)) (i32.const 2)))
    (local.set $u (i32.shl (local.get $units) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
      ;; Column j (bytes) of row e / u; its place in the 3u-wide rows and in the 4u-wide ones.
      (local.set $j (i32.rem_u (local.get $e) (local.get $u)))
      (local.set $x (i32.add (local.get $e) (i32.mul (i32.const 2) (i32.sub (local.get $e) (local.get $j)))))
      (local.set $s (i32.add (local.get $x) (i32.sub (local.get $e) (local.get $j))))
      (local.set $z (v128.load (i32.add (local.get $gates) (local.get $s))))
      (local.set $r (v128.load (i32.add (local.get $gates) (i32.add (local.get $s) (local.get $u)))))
      (local.set $hh (v128.load (i32.add (local.get $gates) (i32.add (local.get $s) (i32.shl (local.get $u) (i32.const 1))))))
      (local.set $dhv (v128.load (i32.add (local.get $dh) (local.get $e))))
      (local.set $dzv
        (f32x4.mul
          (f32x4.mul (f32x4.mul (local.get $dhv) (f32x4.sub (v128.load (i32.add (local.get $h) (local.get $e))) (local.get $hh))) (local.get $z))
          (f32x4.sub (local.get $one) (local.get $z))))
      (local.set $dhh
        (f32x4.mul (f32x4.mul (local.get $dhv) (f32x4.sub (local.get $one) (local.get $z)))
          (f32x4.mul (f32x4.sub (local.get $one) (local.get $hh)) (f32x4.add (local.get $one) (local.get $hh)))))
      (local.set $dr
        (f32x4.mul
          (f32x4.mul (f32x4.mul (local.get $dhh) (v128.load (i32.add (local.get $gates) (i32.add (local.get $s) (i32.mul (local.get $u) (i32.const 3)))))) (local.get $r))
          (f32x4.sub (local.get $one) (local.get $r))))
      (v128.store (i32.add (local.get $dxw) (local.get $x)) (local.get $dzv))
      (v128.store (i32.add (local.get $dhz) (local.get $x)) (local.get $dzv))
      (local.set $x (i32.add (local.get $x) (local.get $u)))
      (v128.store (i32.add (local.get $dxw) (local.get $x)) (local.get $dr))
      (v128.store (i32.add (local.get $dhz) (local.get $x)) (local.get $dr))
      (local.set $x (i32.add (local.get $x) (local.get $u)))
      (v128.store (i32.add (local.get $dxw) (local.get $x)) (local.get $dhh))
      (v128.store (i32.add (local.get $dhz) (local.get $x)) (f32x4.mul (local.get $dhh) (local.get $r)))
      (v128.store (i32.add (local.get $dhd) (local.get $e)) (f32x4.mul (local.get $dhv) (local.get $z)))
      (local.set $e (i32.add (local.get $e) (i32.const 16)))
      (br $next))))
  ;; The gradient of relu and relu6 from dy and their output y, as passPositive
  ;; (src/kernels/FusedActivationGrad.ts): dy's bits where 0 < bits(y) <= limit, else +0.
  ;; bits - 1 <u limit, as a signed compare (SSE has none unsigned) with both shifted by 2^31.
  ;; `n` floats, rounded up to 8.
  (func (export "relu_grad") (param $dy i32) (param $y i32) (param $o i32) (param $n i32) (param $limit i32)
    (local $end i32) (local $bias v128) (local $top v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $bias (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $top (i32x4.splat (i32.xor (local.get $limit) (i32.const 0x80000000))))
    (local.set $end (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
    (loop $next
      (v128.store (local.get $o)
        (v128.and (v128.load (local.get $dy))
          (i32x4.lt_s (i32x4.add (v128.load (local.get $y)) (local.get $bias)) (local.get $top))))
      (v128.store offset=16 (local.get $o)
        (v128.and (v128.load offset=16 (local.get $dy))
          (i32x4.lt_s (i32x4.add (v128.load offset=16 (local.get $y)) (local.get $bias)) (local.get $top))))
      (local.set $dy (i32.add (local.get $dy) (i32.const 32)))
      (local.set $y (i32.add (local.get $y) (i32.const 32)))
      (br_if $next (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 32))) (local.get $end)))))

  ;; Column sums of `rows` rows of `cols` floats at x, added to the `cols` doubles at acc in
  ;; the order of sumLeading's TypeScript loop (src/kernels/reduce.ts), so with the same
  ;; bits: rows in fours from the first, acc + (((x0 + x1) + x2) + x3) in double, the rows
  ;; left one by one. Two columns a step: with `cols` odd, the last step's second lane reads
  ;; the float after each row and adds it to acc[cols], which the host gives room and ignores.
  (func (export "sum_rows") (param $x i32) (param $acc i32) (param $rows i32) (param $cols i32)
    (local $w i32) (local $j i32) (local $p i32) (local $four i32) (local $s v128)
    (local.set $w (i32.shl (local.get $cols) (i32.const 2)))
    (block $done (loop $row
      (br_if $done (i32.eqz (local.get $rows)))
      (local.set $four (i32.ge_u (local.get $rows) (i32.const 4)))
      (local.set $j (i32.const 0))
      (block $cols_done (loop $col
        (br_if $cols_done (i32.ge_u (local.get $j) (local.get $w)))
        (local.set $p (i32.add (local.get $x) (local.get $j)))
        (local.set $s (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p))))
        (if (local.get $four) (then
          (local.set $s (f64x2.add (local.get $s)
            (f64x2.promote_low_f32x4 (v128.load64_zero (local.tee $p (i32.add (local.get $p) (local.get $w)))))))
          (local.set $s (f64x2.add (local.get $s)
            (f64x2.promote_low_f32x4 (v128.load64_zero (local.tee $p (i32.add (local.get $p) (local.get $w)))))))
          (local.set $s (f64x2.add (local.get $s)
            (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $p) (local.get $w))))))))
        (local.set $p (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 1))))
        (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $s)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $col)))
      (local.set $p (select (i32.const 4) (i32.const 1) (local.get $four)))
      (local.set $rows (i32.sub (local.get $rows) (local.get $p)))
      (local.set $x (i32.add (local.get $x) (i32.mul (local.get $p) (local.get $w))))
      (br $row))))

  ;; Dropout masks (DropoutMask): `n` words at $o, each $keep (the bits of a float) where the
  ;; next output u = rotl(s1 * 5, 7) * 9 of the xoshiro128** state at $st (four words s0..s3)
  ;; is >=u $thr, else 0; the state advances past them. Element for element the stream of
  ;; Prng.fillMask (@tessera/tensor src/random/prng.ts), drawn by four lanes at once: the
  ;; state is linear over GF(2), so the state q draws ahead is a 128 x 128 bit matrix times
  ;; it ($xo_jump). Lane j starts q = 4 * floor(n / 16) draws after lane j - 1 and writes
  ;; the block [j * q, j * q + q); the last lane's state goes on with the n - 4q draws left,
  ;; one at a time. $jumps holds M^(2^k), k = 0..12 (q < 8192), M the one-draw matrix: 128
  ;; columns of 16 bytes, column c the state one draw after the state of bit c alone. $st
  ;; is 64 bytes: the state, then room for the lanes' starting states.
  (func (export "dropout_mask") (param $st i32) (param $jumps i32) (param $o i32) (param $n i32) (param $thr i32) (param $keep i32)
    (local $q i32) (local $qb i32) (local $p i32) (local $end i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $t1 i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $t v128) (local $x v128)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local $kv v128) (local $tv v128)
    (local.set $q (i32.shl (i32.shr_u (local.get $n) (i32.const 4)) (i32.const 2)))
    (if (local.get $q) (then
      (local.set $kv (i32x4.splat (local.get $keep)))
      (local.set $tv (i32x4.splat (local.get $thr)))
      (call $xo_jump (local.get $jumps) (local.get $q) (local.get $st) (i32.add (local.get $st) (i32.const 16)))
      (call $xo_jump (local.get $jumps) (local.get $q) (i32.add (local.get $st) (i32.const 16)) (i32.add (local.get $st) (i32.const 32)))
      (call $xo_jump (local.get $jumps) (local.get $q) (i32.add (local.get $st) (i32.const 32)) (i32.add (local.get $st) (i32.const 48)))
      ;; The four lanes' states, one word of each per vector: v0 holds every lane's s0.
      (local.set $r0 (v128.load (local.get $st)))
      (local.set $r1 (v128.load offset=16 (local.get $st)))
      (local.set $r2 (v128.load offset=32 (local.get $st)))
      (local.set $r3 (v128.load offset=48 (local.get $st)))
      (local.set $a (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
      (local.set $b (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
      (local.set $c (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
      (local.set $d (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
      (local.set $v0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b)))
      (local.set $v1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))
      (local.set $v2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c) (local.get $d)))
      (local.set $v3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c) (local.get $d)))
      (local.set $qb (i32.shl (local.get $q) (i32.const 2)))
      (local.set $p (local.get $o))
      (local.set $end (i32.add (local.get $o) (local.get $qb)))
      ;; Four draws of every lane (r0..r3 hold each lane's s1 before its step), turned into
      ;; four draws of each lane's block, scrambled (x * 5 and x * 9 as shifts and adds),
      ;; compared and stored.
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $r0 (local.get $v1))
        (local.set $t (i32x4.shl (local.get $v1) (i32.const 9)))
        (local.set $v2 (v128.xor (local.get $v2) (local.get $v0)))
        (local.set $v3 (v128.xor (local.get $v3) (local.get $v1)))
        (local.set $v1 (v128.xor (local.get $v1) (local.get $v2)))
        (local.set $v0 (v128.xor (local.get $v0) (local.get $v3)))
        (local.set $v2 (v128.xor (local.get $v2) (local.get $t)))
        (local.set $v3 (v128.or (i32x4.shl (local.get $v3) (i32.const 11)) (i32x4.shr_u (local.get $v3) (i32.const 21))))
        (local.set $r1 (local.get $v1))
        (local.set $t (i32x4.shl (local.get $v1) (i32.const 9)))
        (local.set $v2 (v128.xor (local.get $v2) (local.get $v0)))
        (local.set $v3 (v128.xor (local.get $v3) (local.get $v1)))
        (local.set $v1 (v128.xor (local.get $v1) (local.get $v2)))
        (local.set $v0 (v128.xor (local.get $v0) (local.get $v3)))
        (local.set $v2 (v128.xor (local.get $v2) (local.get $t)))
        (local.set $v3 (v128.or (i32x4.shl (local.get $v3) (i32.const 11)) (i32x4.shr_u (local.get $v3) (i32.const 21))))
        (local.set $r2 (local.get $v1))
        (local.set $t (i32x4.shl (local.get $v1) (i32.const 9)))
        (local.set $v2 (v128.xor (local.get $v2) (local.get $v0)))
        (local.set $v3 (v128.xor (local.get $v3) (local.get $v1)))
        (local.set $v1 (v128.xor (local.get $v1) (local.get $v2)))
        (local.set $v0 (v128.xor (local.get $v0) (local.get $v3)))
        (local.set $v2 (v128.xor (local.get $v2) (local.get $t)))
        (local.set $v3 (v128.or (i32x4.shl (local.get $v3) (i32.const 11)) (i32x4.shr_u (local.get $v3) (i32.const 21))))
        (local.set $r3 (local.get $v1))
        (local.set $t (i32x4.shl (local.get $v1) (i32.const 9)))
        (local.set $v2 (v128.xor (local.get $v2) (local.get $v0)))
        (local.set $v3 (v128.xor (local.get $v3) (local.get $v1)))
        (local.set $v1 (v128.xor (local.get $v1) (local.get $v2)))
        (local.set $v0 (v128.xor (local.get $v0) (local.get $v3)))
        (local.set $v2 (v128.xor (local.get $v2) (local.get $t)))
        (local.set $v3 (v128.or (i32x4.shl (local.get $v3) (i32.const 11)) (i32x4.shr_u (local.get $v3) (i32.const 21))))
        (local.set $a (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
        (local.set $b (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
        (local.set $c (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
        (local.set $d (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
        (local.set $r0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b)))
        (local.set $r1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $r2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c) (local.get $d)))
        (local.set $r3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c) (local.get $d)))
        (v128.store (local.get $p)
          (v128.and (local.get $kv) (i32x4.ge_u
          (i32x4.add (local.tee $x (v128.or (i32x4.shl (local.tee $x (i32x4.add (local.get $r0) (i32x4.shl (local.get $r0) (i32.const 2)))) (i32.const 7))
            (i32x4.shr_u (local.get $x) (i32.const 25)))) (i32x4.shl (local.get $x) (i32.const 3)))
          (local.get $tv))))
        (v128.store (i32.add (local.get $p) (local.get $qb))
          (v128.and (local.get $kv) (i32x4.ge_u
          (i32x4.add (local.tee $x (v128.or (i32x4.shl (local.tee $x (i32x4.add (local.get $r1) (i32x4.shl (local.get $r1) (i32.const 2)))) (i32.const 7))
            (i32x4.shr_u (local.get $x) (i32.const 25)))) (i32x4.shl (local.get $x) (i32.const 3)))
          (local.get $tv))))
        (v128.store (i32.add (local.get $p) (i32.shl (local.get $qb) (i32.const 1)))
          (v128.and (local.get $kv) (i32x4.ge_u
          (i32x4.add (local.tee $x (v128.or (i32x4.shl (local.tee $x (i32x4.add (local.get $r2) (i32x4.shl (local.get $r2) (i32.const 2)))) (i32.const 7))
            (i32x4.shr_u (local.get $x) (i32.const 25)))) (i32x4.shl (local.get $x) (i32.const 3)))
          (local.get $tv))))
        (v128.store (i32.add (local.get $p) (i32.mul (local.get $qb) (i32.const 3)))
          (v128.and (local.get $kv) (i32x4.ge_u
          (i32x4.add (local.tee $x (v128.or (i32x4.shl (local.tee $x (i32x4.add (local.get $r3) (i32x4.shl (local.get $r3) (i32.const 2)))) (i32.const 7))
            (i32x4.shr_u (local.get $x) (i32.const 25)))) (i32x4.shl (local.get $x) (i32.const 3)))
          (local.get $tv))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
      (i32.store (local.get $st) (i32x4.extract_lane 3 (local.get $v0)))
      (i32.store offset=4 (local.get $st) (i32x4.extract_lane 3 (local.get $v1)))
      (i32.store offset=8 (local.get $st) (i32x4.extract_lane 3 (local.get $v2)))
      (i32.store offset=12 (local.get $st) (i32x4.extract_lane 3 (local.get $v3)))))
    ;; The draws left, one at a time from the last lane's state.
    (local.set $s0 (i32.load (local.get $st)))
    (local.set $s1 (i32.load offset=4 (local.get $st)))
    (local.set $s2 (i32.load offset=8 (local.get $st)))
    (local.set $s3 (i32.load offset=12 (local.get $st)))
    (local.set $p (i32.add (local.get $o) (i32.shl (local.get $q) (i32.const 4))))
    (local.set $end (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (i32.store (local.get $p)
        (select (local.get $keep) (i32.const 0)
          (i32.ge_u (i32.mul (i32.rotl (i32.mul (local.get $s1) (i32.const 5)) (i32.const 7)) (i32.const 9)) (local.get $thr))))
      (local.set $t1 (i32.shl (local.get $s1) (i32.const 9)))
      (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
      (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
      (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
      (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
      (local.set $s2 (i32.xor (local.get $s2) (local.get $t1)))
      (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $next)))
    (i32.store (local.get $st) (local.get $s0))
    (i32.store offset=4 (local.get $st) (local.get $s1))
    (i32.store offset=8 (local.get $st) (local.get $s2))
    (i32.store offset=12 (local.get $st) (local.get $s3)))

  ;; The xoshiro128** state at $s advanced by $q draws, written to $d (16 bytes each, apart):
  ;; the product of the powers M^(2^k) of $jumps for the bits k of $q.
  (func $xo_jump (param $jumps i32) (param $q i32) (param $s i32) (param $d i32)
    (v128.store (local.get $d) (v128.load (local.get $s)))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $q)))
      (if (i32.and (local.get $q) (i32.const 1)) (then
        (call $xo_times (local.get $jumps) (local.get $d))))
      (local.set $q (i32.shr_u (local.get $q) (i32.const 1)))
      (local.set $jumps (i32.add (local.get $jumps) (i32.const 2048)))
      (br $next))))

  ;; The 128-bit state at $s times the bit matrix at $m (128 columns of 16 bytes), in place:
  ;; the xor of the columns of its set bits, bit c = bit (c mod 32) of word c / 32.
  (func $xo_times (param $m i32) (param $s i32)
    (local $c i32) (local $w i32) (local $acc v128)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $c) (i32.const 128)))
      (if (i32.eqz (i32.and (local.get $c) (i32.const 31))) (then
        (local.set $w (i32.load (i32.add (local.get $s) (i32.shr_u (local.get $c) (i32.const 3)))))))
      (local.set $acc (v128.xor (local.get $acc)
        (v128.and (v128.load (local.get $m)) (i32x4.splat (i32.sub (i32.const 0) (i32.and (local.get $w) (i32.const 1)))))))
      (local.set $w (i32.shr_u (local.get $w) (i32.const 1)))
      (local.set $m (i32.add (local.get $m) (i32.const 16)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $next)))
    (v128.store (local.get $s) (local.get $acc)))
)
