/**
 * Strided block copies: blocks x planes x rows x cols elements gathered from anywhere in a source
 * array (a stride per dimension) into rows of contiguous columns in a destination. This is how the
 * conv filter gradient lays out its input patches (conv2dBackpropFilter.ts: one copy per filter
 * tap, blocks = images, planes = input channels, rows and cols = output positions, columns
 * stepping by the stride in the image). Blocks are the outer loop so that one image's pixels,
 * read once per channel, stay in cache.
 *
 * Two executors of the same copies: copyBlocks, a JS loop (the reference and fallback), and a
 * WebAssembly function in the wasm backend's heap (wasm/stridedCopy.wat, loaded by heapModule.ts),
 * which moves the 32-bit words about 3x faster: for the 2013 DQN net's first layer, batch 32 (663k patch values at 42x42, 2.6M
 * at 84x84, strided by 16 floats) ~1.7 -> ~0.55 ms and ~7.9 -> ~2.3 ms (2-core machine, loaded).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapFunction } from './heapModule.ts';

/**
 * One copy, in elements: for every block b, plane p, row r and column c,
 * dst[dstStart + b*dstBlockStride + p*dstPlaneStride + r*dstRowStride + c] =
 * src[srcStart + b*srcBlockStride + p*srcPlaneStride + r*srcRowStride + c*srcColStride].
 */
export interface BlockCopy {
  readonly blocks: number;
  readonly planes: number;
  readonly rows: number;
  readonly cols: number;
  readonly srcStart: number;
  readonly srcBlockStride: number;
  readonly srcPlaneStride: number;
  readonly srcRowStride: number;
  readonly srcColStride: number;
  readonly dstStart: number;
  readonly dstBlockStride: number;
  readonly dstPlaneStride: number;
  readonly dstRowStride: number;
}

/** The JS executor. */
export function copyBlocks(src: Float32Array, dst: Float32Array, c: BlockCopy): void {
  for (let b = 0; b < c.blocks; b++) {
    for (let p = 0; p < c.planes; p++) {
      for (let r = 0; r < c.rows; r++) {
        let s = c.srcStart + b * c.srcBlockStride + p * c.srcPlaneStride + r * c.srcRowStride;
        const d = c.dstStart + b * c.dstBlockStride + p * c.dstPlaneStride + r * c.dstRowStride;
        for (let j = d, end = d + c.cols; j < end; j++, s += c.srcColStride) dst[j] = src[s] as number;
      }
    }
  }
}

// copy(dst, src, blocks, planes, rows, cols, srcBlock, srcPlane, srcRow, srcCol, dstBlock, dstPlane, dstRow):
// addresses and strides in bytes.
const copyFunction = heapFunction(new URL('./wasm/stridedCopy.wasm', import.meta.url), 'copy');

/**
 * The wasm executor for copies from `src` to `dst`, both views of the backend's current heap, or
 * undefined where it cannot run (use copyBlocks). The views must stay valid while it is used: no
 * tensor may be allocated in between (malloc may grow, and so move, the heap).
 */
export function heapBlockCopier(backend: BackendWasm, src: Float32Array, dst: Float32Array): ((c: BlockCopy) => void) | undefined {
  const copy = copyFunction.forBackend(backend);
  if (copy === undefined || !copyFunction.inHeap(backend, [src, dst])) return undefined;
  const [srcBase, dstBase] = [src.byteOffset, dst.byteOffset];
  return (c) => {
    if (c.blocks <= 0 || c.planes <= 0 || c.rows <= 0 || c.cols <= 0) return;
    // Unlike a typed array, the heap function would write past the views into other tensors' data.
    const last = (start: number, strides: number[]): number => start + [c.blocks, c.planes, c.rows, c.cols].reduce((sum, n, i) => sum + (n - 1) * (strides[i] as number), 0);
    const srcStrides = [c.srcBlockStride, c.srcPlaneStride, c.srcRowStride, c.srcColStride];
    const dstStrides = [c.dstBlockStride, c.dstPlaneStride, c.dstRowStride, 1];
    if (c.srcStart < 0 || c.dstStart < 0 || [...srcStrides, ...dstStrides].some((stride) => stride < 0) ||
        last(c.srcStart, srcStrides) >= src.length || last(c.dstStart, dstStrides) >= dst.length) {
      throw new Error(`heapBlockCopier: copy out of bounds (${JSON.stringify(c)}; src ${src.length}, dst ${dst.length})`);
    }
    copy(dstBase + 4 * c.dstStart, srcBase + 4 * c.srcStart, c.blocks, c.planes, c.rows, c.cols,
      ...[...srcStrides, c.dstBlockStride, c.dstPlaneStride, c.dstRowStride].map((stride) => 4 * stride));
  };
}
