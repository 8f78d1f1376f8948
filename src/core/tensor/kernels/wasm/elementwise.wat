;; Sign, Maximum and Minimum of float32 tensors as WebAssembly SIMD passes over the wasm backend's
;; heap (elementwise.ts loads them through heapModule.ts; compiled to elementwise.wasm by
;; `npm run build:wasm`). Four elements per instruction with f32x4, the last n % 4 one at a time.
;;
;; Each gives exactly what the shipped C++ kernel gives, NaN and signed zeros included (its loop
;; calls a function per element, and for Maximum/Minimum also works out broadcast indices per
;; element: ~10-25 ms for 0.9M elements where XNNPACK's Add takes ~0.2 ms):
;;   sign(x)   = 1 if x >= FLT_EPSILON, -1 if x <= -FLT_EPSILON, else 0 (NaN and |x| < 2^-23 give +0)
;;   max(a, b) = std::max(a, b) = a < b ? b : a      (f32x4.pmax is defined as exactly this)
;;   min(a, b) = std::min(a, b) = b < a ? b : a      (f32x4.pmin likewise)
;; Alignment hints are align=1: tensor data in the heap is only 4-byte aligned.
(module
  (import "env" "memory" (memory 1))

  ;; sign(x, out, n): addresses in bytes, n in elements.
  (func (export "sign") (param $x i32) (param $out i32) (param $n i32)
    (local $i i32) (local $end i32) (local $v v128) (local $s f32)
    ;; Whole vectors: the two comparison masks pick +1.0 and -1.0; they never overlap, and where
    ;; neither is set (|x| < eps, NaN) the lane stays +0.
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $vectorsDone
      (loop $vector
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load align=1 (i32.add (local.get $x) (local.get $i))))
        (v128.store align=1 (i32.add (local.get $out) (local.get $i))
          (v128.or
            (v128.and (f32x4.ge (local.get $v) (v128.const f32x4 0x1p-23 0x1p-23 0x1p-23 0x1p-23)) (v128.const f32x4 1 1 1 1))
            (v128.and (f32x4.le (local.get $v) (v128.const f32x4 -0x1p-23 -0x1p-23 -0x1p-23 -0x1p-23)) (v128.const f32x4 -1 -1 -1 -1))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tailDone
      (loop $scalar
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $s (f32.load align=1 (i32.add (local.get $x) (local.get $i))))
        (f32.store align=1 (i32.add (local.get $out) (local.get $i))
          (select (f32.const 1)
            (select (f32.const -1) (f32.const 0) (f32.le (local.get $s) (f32.const -0x1p-23)))
            (f32.ge (local.get $s) (f32.const 0x1p-23))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $scalar))))

  ;; maximum(a, b, out, n): a, b and out of n elements each.
  (func (export "maximum") (param $a i32) (param $b i32) (param $out i32) (param $n i32)
    (local $i i32) (local $end i32) (local $x f32) (local $y f32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $vectorsDone
      (loop $vector
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=1 (i32.add (local.get $out) (local.get $i))
          (f32x4.pmax (v128.load align=1 (i32.add (local.get $a) (local.get $i))) (v128.load align=1 (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tailDone
      (loop $scalar
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $x (f32.load align=1 (i32.add (local.get $a) (local.get $i))))
        (local.set $y (f32.load align=1 (i32.add (local.get $b) (local.get $i))))
        (f32.store align=1 (i32.add (local.get $out) (local.get $i))
          (select (local.get $y) (local.get $x) (f32.lt (local.get $x) (local.get $y))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $scalar))))

  ;; minimum(a, b, out, n): a, b and out of n elements each.
  (func (export "minimum") (param $a i32) (param $b i32) (param $out i32) (param $n i32)
    (local $i i32) (local $end i32) (local $x f32) (local $y f32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $vectorsDone
      (loop $vector
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=1 (i32.add (local.get $out) (local.get $i))
          (f32x4.pmin (v128.load align=1 (i32.add (local.get $a) (local.get $i))) (v128.load align=1 (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tailDone
      (loop $scalar
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $x (f32.load align=1 (i32.add (local.get $a) (local.get $i))))
        (local.set $y (f32.load align=1 (i32.add (local.get $b) (local.get $i))))
        (f32.store align=1 (i32.add (local.get $out) (local.get $i))
          (select (local.get $y) (local.get $x) (f32.lt (local.get $y) (local.get $x))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $scalar)))))
