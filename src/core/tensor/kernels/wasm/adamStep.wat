;; The fused Adam update of src/tensor/kernels/adamStep.ts as one WebAssembly SIMD pass over the wasm
;; backend's heap (loaded by adamSimd.ts through heapModule.ts; compiled to adamStep.wasm by
;; `npm run build:wasm`). Four weights per instruction with f32x4, the last n % 4 one at a time.
;;
;; Every operation is tf.train.adam's, in its order, each an IEEE-754 correctly rounded float32
;; add, mul, div or sqrt (no fused multiply-add), so the results equal tf.train.adam's to the bit:
;;
;;   m' = m*b1 + g*(1-b1)                v' = v*b2 + (g*g)*(1-b2)
;;   w' = ((m'/bc1) / (sqrt(v'/bc2) + eps)) * (-lr) + w
;;
;; Alignment hints are align=1 (they promise nothing): tensor data in the heap is only 4-byte
;; aligned, below v128's natural 16, and an engine may rely on a hint.
(module
  ;; The backend's own memory (Emscripten's Module.asm.memory): the arrays are read and written
  ;; where the tensors live, without copies.
  (import "env" "memory" (memory 1))

  ;; adam(w, g, m, v, outW, outM, outV, n, b1, 1-b1, b2, 1-b2, bc1, bc2, eps, -lr): the arrays as
  ;; byte addresses, n in elements, the constants already rounded to float32 by the caller.
  (func (export "adam")
    (param $w i32) (param $g i32) (param $m i32) (param $v i32)
    (param $outW i32) (param $outM i32) (param $outV i32) (param $n i32)
    (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32) (param $oneMinusBeta2 f32)
    (param $biasCorrection1 f32) (param $biasCorrection2 f32) (param $epsilon f32) (param $negLearningRate f32)
    ;; The byte offset into every array, and where the current loop stops.
    (local $i i32) (local $end i32)
    ;; The constants splatted to four lanes.
    (local $beta1x4 v128) (local $oneMinusBeta1x4 v128) (local $beta2x4 v128) (local $oneMinusBeta2x4 v128)
    (local $biasCorrection1x4 v128) (local $biasCorrection2x4 v128) (local $epsilonx4 v128) (local $negLearningRatex4 v128)
    ;; g, m' and v' of four elements, then of one (the tail).
    (local $g4 v128) (local $m4 v128) (local $v4 v128)
    (local $g1 f32) (local $m1 f32) (local $v1 f32)

    (local.set $beta1x4 (f32x4.splat (local.get $beta1)))
    (local.set $oneMinusBeta1x4 (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $beta2x4 (f32x4.splat (local.get $beta2)))
    (local.set $oneMinusBeta2x4 (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $biasCorrection1x4 (f32x4.splat (local.get $biasCorrection1)))
    (local.set $biasCorrection2x4 (f32x4.splat (local.get $biasCorrection2)))
    (local.set $epsilonx4 (f32x4.splat (local.get $epsilon)))
    (local.set $negLearningRatex4 (f32x4.splat (local.get $negLearningRate)))

    ;; Whole vectors: bytes [0, (n & ~3) * 4), 16 at a time.
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $vectorsDone
      (loop $vector
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $g4 (v128.load align=1 (i32.add (local.get $g) (local.get $i))))
        ;; m' = m*b1 + g*(1-b1)
        (local.set $m4
          (f32x4.add
            (f32x4.mul (v128.load align=1 (i32.add (local.get $m) (local.get $i))) (local.get $beta1x4))
            (f32x4.mul (local.get $g4) (local.get $oneMinusBeta1x4))))
        (v128.store align=1 (i32.add (local.get $outM) (local.get $i)) (local.get $m4))
        ;; v' = v*b2 + (g*g)*(1-b2)
        (local.set $v4
          (f32x4.add
            (f32x4.mul (v128.load align=1 (i32.add (local.get $v) (local.get $i))) (local.get $beta2x4))
            (f32x4.mul (f32x4.mul (local.get $g4) (local.get $g4)) (local.get $oneMinusBeta2x4))))
        (v128.store align=1 (i32.add (local.get $outV) (local.get $i)) (local.get $v4))
        ;; w' = ((m'/bc1) / (sqrt(v'/bc2) + eps)) * -lr + w
        (v128.store align=1 (i32.add (local.get $outW) (local.get $i))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $m4) (local.get $biasCorrection1x4))
                (f32x4.add
                  (f32x4.sqrt (f32x4.div (local.get $v4) (local.get $biasCorrection2x4)))
                  (local.get $epsilonx4)))
              (local.get $negLearningRatex4))
            (v128.load align=1 (i32.add (local.get $w) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))

    ;; The last n % 4 elements, one at a time: $i goes on from where the vectors stopped.
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tailDone
      (loop $scalar
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $g1 (f32.load align=1 (i32.add (local.get $g) (local.get $i))))
        ;; m' = m*b1 + g*(1-b1)
        (local.set $m1
          (f32.add
            (f32.mul (f32.load align=1 (i32.add (local.get $m) (local.get $i))) (local.get $beta1))
            (f32.mul (local.get $g1) (local.get $oneMinusBeta1))))
        (f32.store align=1 (i32.add (local.get $outM) (local.get $i)) (local.get $m1))
        ;; v' = v*b2 + (g*g)*(1-b2)
        (local.set $v1
          (f32.add
            (f32.mul (f32.load align=1 (i32.add (local.get $v) (local.get $i))) (local.get $beta2))
            (f32.mul (f32.mul (local.get $g1) (local.get $g1)) (local.get $oneMinusBeta2))))
        (f32.store align=1 (i32.add (local.get $outV) (local.get $i)) (local.get $v1))
        ;; w' = ((m'/bc1) / (sqrt(v'/bc2) + eps)) * -lr + w
        (f32.store align=1 (i32.add (local.get $outW) (local.get $i))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $m1) (local.get $biasCorrection1))
                (f32.add
                  (f32.sqrt (f32.div (local.get $v1) (local.get $biasCorrection2)))
                  (local.get $epsilon)))
              (local.get $negLearningRate))
            (f32.load align=1 (i32.add (local.get $w) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $scalar)))))
