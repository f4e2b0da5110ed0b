;; The optimizer updates on WebAssembly SIMD (f32x4): ApplyAdam, ApplyRMSProp, ApplySGD.
;;
;; Each function reads its inputs and writes its outputs at byte addresses in the imported
;; memory, `n` floats each, rounded up to whole vectors (the host gives every array room for
;; that and ignores the extra lanes). The host (src/util/vector_wasm.ts) copies a chunk of
;; each input in, calls the function, and copies the chunk of each output out: the chunks
;; stay in the L1 cache, so the copies cost little, and the square roots and divisions run
;; four at a time (the JavaScript loops run them one at a time in double precision).
;;
;; Every operation is an IEEE float32 operation in the order of the op-by-op Keras update
;; (the same rounding as the float32 tensors of the unfused optimizer), so both paths give
;; the same bits.
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
)
