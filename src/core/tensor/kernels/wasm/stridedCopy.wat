;; The strided block copy of src/tensor/kernels/stridedCopy.ts (the conv filter gradient's patch
;; layout) as a WebAssembly loop over the wasm backend's heap (loaded through heapModule.ts;
;; compiled to stridedCopy.wasm by `npm run build:wasm`). For every block b, plane p, row r and
;; column c:
;;
;;   dst[b*dstBlock + p*dstPlane + r*dstRow + c*4] = src[b*srcBlock + p*srcPlane + r*srcRow + c*srcCol]
;;
;; in bytes, 32-bit words. Blocks are the outer loop so that one image's pixels, read once per
;; channel, stay in cache. No bounds checks here: heapBlockCopier checks every copy before the call.
;;
;; Alignment hints are align=1 (they promise nothing), as for every heap access of advgym's modules.
(module
  ;; The backend's own memory (Emscripten's Module.asm.memory): tensors are read and written where
  ;; they live, without copies.
  (import "env" "memory" (memory 1))

  ;; copy(dst, src, blocks, planes, rows, cols, srcBlock, srcPlane, srcRow, srcCol, dstBlock,
  ;; dstPlane, dstRow): dst and src are the byte addresses of element (0, 0, 0, 0), the strides are
  ;; in bytes, the counts in elements. Consecutive columns of dst are adjacent.
  (func (export "copy")
    (param $dst i32) (param $src i32)
    (param $blocks i32) (param $planes i32) (param $rows i32) (param $cols i32)
    (param $srcBlock i32) (param $srcPlane i32) (param $srcRow i32) (param $srcCol i32)
    (param $dstBlock i32) (param $dstPlane i32) (param $dstRow i32)
    ;; The counters (locals start at 0), the addresses of the current plane's and row's first
    ;; element, the current word's, the end of the row being written and a row's length in bytes.
    (local $b i32) (local $p i32) (local $r i32)
    (local $planeSrc i32) (local $planeDst i32) (local $rowSrc i32) (local $rowDst i32)
    (local $s i32) (local $d i32) (local $dEnd i32) (local $rowBytes i32)

    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (block $blocksDone
      (loop $block
        (br_if $blocksDone (i32.ge_u (local.get $b) (local.get $blocks)))
        (local.set $planeSrc (local.get $src))
        (local.set $planeDst (local.get $dst))
        (local.set $p (i32.const 0))
        (block $planesDone
          (loop $plane
            (br_if $planesDone (i32.ge_u (local.get $p) (local.get $planes)))
            (local.set $rowSrc (local.get $planeSrc))
            (local.set $rowDst (local.get $planeDst))
            (local.set $r (i32.const 0))
            (block $rowsDone
              (loop $row
                (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
                (local.set $s (local.get $rowSrc))
                (local.set $d (local.get $rowDst))
                (local.set $dEnd (i32.add (local.get $rowDst) (local.get $rowBytes)))
                ;; One row. The words are copied as i32: bit for bit, whatever the float (NaNs too).
                (block $colsDone
                  (loop $col
                    (br_if $colsDone (i32.ge_u (local.get $d) (local.get $dEnd)))
                    (i32.store align=1 (local.get $d) (i32.load align=1 (local.get $s)))
                    (local.set $s (i32.add (local.get $s) (local.get $srcCol)))
                    (local.set $d (i32.add (local.get $d) (i32.const 4)))
                    (br $col)))
                ;; Next row.
                (local.set $rowSrc (i32.add (local.get $rowSrc) (local.get $srcRow)))
                (local.set $rowDst (i32.add (local.get $rowDst) (local.get $dstRow)))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $row)))
            ;; Next plane.
            (local.set $planeSrc (i32.add (local.get $planeSrc) (local.get $srcPlane)))
            (local.set $planeDst (i32.add (local.get $planeDst) (local.get $dstPlane)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $plane)))
        ;; Next block: src and dst move on to its first element.
        (local.set $src (i32.add (local.get $src) (local.get $srcBlock)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstBlock)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $block)))))
