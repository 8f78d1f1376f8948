;; One l-inf PGD step as ONE WebAssembly SIMD pass over the wasm backend's heap (linfPgdStep.ts
;; loads it through heapModule.ts; compiled to linfPgdStep.wasm by `npm run build:wasm`): for each
;; element, the same float32 operations in the same order as the wasm kernels pgd.ts ran one by one,
;;
;;   moved = x + sign(g) * maskStep          (sign: the shipped wasm Sign's, 0 for |g| < 2^-23 and NaN)
;;   next  = clip(clean + clip(moved - clean, -eps, eps), 0, 1)
;;
;; each an IEEE-754 float32 add, sub or mul (no fused multiply-add), the clips as XNNPACK's clamp
;; (pmax with the lower bound, then pmin with the upper), so the result equals theirs bit for bit.
;; Four elements per instruction, the last n % 4 one at a time. Alignment hints are align=1.
(module
  (import "env" "memory" (memory 1))

  ;; step(x, g, clean, maskStep, out, n, eps): arrays as byte addresses, n in elements.
  (func (export "step")
    (param $x i32) (param $g i32) (param $clean i32) (param $maskStep i32) (param $out i32) (param $n i32) (param $eps f32)
    (local $i i32) (local $end i32)
    (local $epsx4 v128) (local $negEpsx4 v128) (local $v v128) (local $c v128)
    (local $s f32) (local $c1 f32) (local $d f32)
    (local.set $epsx4 (f32x4.splat (local.get $eps)))
    (local.set $negEpsx4 (f32x4.splat (f32.neg (local.get $eps))))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $vectorsDone
      (loop $vector
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end)))
        ;; sign(g): +1 and -1 picked by two disjoint masks, +0 where neither is set.
        (local.set $v (v128.load align=1 (i32.add (local.get $g) (local.get $i))))
        (local.set $v
          (v128.or
            (v128.and (f32x4.ge (local.get $v) (v128.const f32x4 0x1p-23 0x1p-23 0x1p-23 0x1p-23)) (v128.const f32x4 1 1 1 1))
            (v128.and (f32x4.le (local.get $v) (v128.const f32x4 -0x1p-23 -0x1p-23 -0x1p-23 -0x1p-23)) (v128.const f32x4 -1 -1 -1 -1))))
        ;; moved - clean, with moved = x + sign * maskStep
        (local.set $c (v128.load align=1 (i32.add (local.get $clean) (local.get $i))))
        (local.set $v
          (f32x4.sub
            (f32x4.add
              (v128.load align=1 (i32.add (local.get $x) (local.get $i)))
              (f32x4.mul (local.get $v) (v128.load align=1 (i32.add (local.get $maskStep) (local.get $i)))))
            (local.get $c)))
        ;; clamp to [-eps, eps], add to clean, clamp to [0, 1]
        (local.set $v (f32x4.pmin (local.get $epsx4) (f32x4.pmax (local.get $negEpsx4) (local.get $v))))
        (local.set $v (f32x4.add (local.get $c) (local.get $v)))
        (v128.store align=1 (i32.add (local.get $out) (local.get $i))
          (f32x4.pmin (v128.const f32x4 1 1 1 1) (f32x4.pmax (v128.const f32x4 0 0 0 0) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tailDone
      (loop $scalar
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $s (f32.load align=1 (i32.add (local.get $g) (local.get $i))))
        (local.set $s
          (select (f32.const 1)
            (select (f32.const -1) (f32.const 0) (f32.le (local.get $s) (f32.const -0x1p-23)))
            (f32.ge (local.get $s) (f32.const 0x1p-23))))
        (local.set $c1 (f32.load align=1 (i32.add (local.get $clean) (local.get $i))))
        (local.set $d
          (f32.sub
            (f32.add
              (f32.load align=1 (i32.add (local.get $x) (local.get $i)))
              (f32.mul (local.get $s) (f32.load align=1 (i32.add (local.get $maskStep) (local.get $i)))))
            (local.get $c1)))
        ;; pmax(lo, d) = lo < d ? d : lo; pmin(hi, d) = d < hi ? d : hi
        (local.set $d (select (local.get $d) (f32.neg (local.get $eps)) (f32.lt (f32.neg (local.get $eps)) (local.get $d))))
        (local.set $d (select (local.get $d) (local.get $eps) (f32.lt (local.get $d) (local.get $eps))))
        (local.set $d (f32.add (local.get $c1) (local.get $d)))
        (local.set $d (select (local.get $d) (f32.const 0) (f32.lt (f32.const 0) (local.get $d))))
        (f32.store align=1 (i32.add (local.get $out) (local.get $i))
          (select (local.get $d) (f32.const 1) (f32.lt (local.get $d) (f32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $scalar)))))
