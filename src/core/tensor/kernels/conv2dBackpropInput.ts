/**
 * Conv2DBackpropInput (the input gradient: FGSM's core, and every conv layer but the first in
 * training) for the wasm backend, replacing the shipped one, a direct loop in C++ that took
 * ~2.3 ms of a ~4.2 ms FGSM step at 84x84 and ~18 ms of a batch-32 train step.
 *
 *   dx[n, ih, iw, ci] = sum over (oh, kh) with oh*s + kh - padTop = ih, (ow, kw) likewise, and co
 *                       of dy[n, oh, ow, co] * W[kh, kw, ci, co]
 *
 * Two ways to compute it, both on XNNPACK:
 * - Sub-pixel (equal strides s): write ih + padTop = P*s + r. The rows oh that reach input row ih
 *   are oh = P - a with kh = a*s + r, a < ceil(fh/s), so every output phase (r, r') is a stride-1
 *   convolution of dy with a small filter taken from W. Stacking the s*s phases as output channels
 *   makes it ONE stride-1 Conv2D (the wasm backend's XNNPACK convolution) with the rearranged
 *   filter F[ja, jb, co, (r, r', ci)] = W[(A-1-ja)*s + r, (B-1-jb)*s + r', ci, co] (zero past the
 *   filter), followed by a depth-to-space copy that also crops the padding (strided block copies,
 *   run by the wasm copier of stridedCopy.ts: ~4x faster than a JS loop). No scatter-add; F is
 *   derived once per weight version (derivedWeights.ts), so XNNPACK packs it once too. For the
 *   DQN nets' 8x8/4 and 4x4/2 layers F is exactly as large as W.
 * - Otherwise, or when padding the filter up to a multiple of the stride would more than double
 *   the work: cols[m, (kh, kw, ci)] = dy[m, :] . W[(kh, kw, ci), :] as one matMul (W^T cached),
 *   then a scatter-add ("col2im") of cols into dx.
 */
import { Conv2DBackpropInput, getKernel, type Conv2DBackpropInputAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry, type ConvGeometry } from './conv2dBackpropFilter.ts';
import { derivedWeight, transposedOperand } from './derivedWeights.ts';
import { copyBlocks, heapBlockCopier, type BlockCopy } from './stridedCopy.ts';
import { matMul2d, wasmKernel } from './wasmCalls.ts';

/** How the sub-pixel form covers one geometry: taps of the rearranged filter, extra rows/columns of output. */
export interface SubPixelPlan {
  readonly stride: number;
  readonly tapsHeight: number;
  readonly tapsWidth: number;
  /** Output rows (columns) beyond dy's that input rows near the bottom (right) edge need. */
  readonly extraRows: number;
  readonly extraCols: number;
}

/** The sub-pixel plan for `g`, or undefined when it does not apply or would waste over half its work. */
export function subPixelPlan(g: ConvGeometry): SubPixelPlan | undefined {
  const s = g.strideHeight;
  if (g.strideWidth !== s) return undefined; // one block size for depth-to-space
  const tapsHeight = Math.ceil(g.filterHeight / s);
  const tapsWidth = Math.ceil(g.filterWidth / s);
  if (tapsHeight * s * tapsWidth * s > 2 * g.filterHeight * g.filterWidth) return undefined;
  // Phase rows P run up to the one holding the last input row; dy has outHeight of them.
  const extraRows = Math.max(0, Math.floor((g.inHeight - 1 + g.padTop) / s) + 1 - g.outHeight);
  const extraCols = Math.max(0, Math.floor((g.inWidth - 1 + g.padLeft) / s) + 1 - g.outWidth);
  return { stride: s, tapsHeight, tapsWidth, extraRows, extraCols };
}

/** Writes the sub-pixel filter F (see the file comment) for W [fh, fw, ci, co] into `out`, zeros included. */
export function subPixelFilter(w: Float32Array, g: ConvGeometry, plan: SubPixelPlan, out: Float32Array): void {
  const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co } = g;
  const { stride: s, tapsHeight: ta, tapsWidth: tb } = plan;
  out.fill(0);
  let o = 0;
  for (let ja = 0; ja < ta; ja++) {
    for (let jb = 0; jb < tb; jb++) {
      for (let c = 0; c < co; c++) {
        for (let r = 0; r < s; r++) {
          const kh = (ta - 1 - ja) * s + r;
          for (let r2 = 0; r2 < s; r2++) {
            const kw = (tb - 1 - jb) * s + r2;
            if (kh >= fh || kw >= fw) {
              o += ci;
              continue;
            }
            let src = (kh * fw + kw) * ci * co + c;
            for (let i = 0; i < ci; i++, src += co) out[o++] = w[src] as number;
          }
        }
      }
    }
  }
}

/**
 * The depth-to-space copy of the sub-pixel convolution's output y [n, PH, PW, (r, r', ci)] to dx
 * [n, h, w, ci] (block s, cropped by the padding) as strided block copies (stridedCopy.ts), which
 * together write every element of dx once. Input row ih + padTop = p*s + r, column
 * iw + padLeft = q*s + r'. For each row phase r: one copy over (image, p, q) of the phase blocks
 * that lie wholly inside the image's width, whose s*ci values (all r', all channels) are one run
 * in both y and dx; then, per column phase r', the few blocks cut by the left or right edge, ci
 * values at a time. For advgym's patch6 layer (6x6/6, no padding) that is 6 copies of 24-float runs.
 */
export function depthToSpaceCopies(g: ConvGeometry, plan: SubPixelPlan): BlockCopy[] {
  const { batch, inHeight, inWidth, inChannels: c, padTop, padLeft } = g;
  const s = plan.stride;
  const colsY = g.outWidth + plan.extraCols;
  const block = s * s * c;
  // Indices o with 0 <= o*s + phase - pad < size: [first, end).
  const inside = (phase: number, pad: number, size: number): [number, number] => {
    const first = Math.max(0, Math.ceil((pad - phase) / s));
    return [first, Math.max(first, Math.floor((size - 1 + pad - phase) / s) + 1)];
  };
  // Blocks q whose columns are all inside the image, for every r'.
  const interiorStart = Math.ceil(padLeft / s);
  const interiorEnd = Math.max(interiorStart, Math.floor((inWidth - s + padLeft) / s) + 1);
  const copies: BlockCopy[] = [];
  for (let r = 0; r < s; r++) {
    const [pStart, pEnd] = inside(r, padTop, inHeight);
    if (pEnd === pStart) continue;
    const rowCopy = (qStart: number, qEnd: number, phase: number, cols: number): void => {
      if (qEnd <= qStart) return;
      copies.push({
        blocks: batch,
        planes: pEnd - pStart,
        rows: qEnd - qStart,
        cols,
        srcStart: (pStart * colsY + qStart) * block + (r * s + phase) * c,
        srcBlockStride: (g.outHeight + plan.extraRows) * colsY * block,
        srcPlaneStride: colsY * block,
        srcRowStride: block,
        srcColStride: 1,
        dstStart: ((pStart * s + r - padTop) * inWidth + qStart * s + phase - padLeft) * c,
        dstBlockStride: inHeight * inWidth * c,
        dstPlaneStride: s * inWidth * c,
        dstRowStride: s * c,
      });
    };
    rowCopy(interiorStart, interiorEnd, 0, s * c);
    for (let phase = 0; phase < s; phase++) {
      const [qStart, qEnd] = inside(phase, padLeft, inWidth);
      rowCopy(qStart, Math.min(qEnd, interiorStart), phase, c);
      rowCopy(Math.max(qStart, interiorEnd), qEnd, phase, c);
    }
  }
  return copies;
}

/** Runs depthToSpaceCopies with `copy` (default: the JS loop). Writes every element of dx. */
export function depthToSpaceCrop(y: Float32Array, g: ConvGeometry, plan: SubPixelPlan, dx: Float32Array, copy: (c: BlockCopy) => void = (c) => copyBlocks(y, dx, c)): void {
  for (const c of depthToSpaceCopies(g, plan)) copy(c);
}

/**
 * Scatter-adds `cols` ([M, K], see the file comment) into `dx` (NHWC), which must start zeroed.
 * For one output position and filter row kh, the window's columns kw (and all channels) are one
 * contiguous run in both `cols` and `dx` (NHWC): the inner loop runs over that run, clipped to
 * the image, rather than per (kw, channel).
 */
export function col2imAdd(cols: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  const { batch, inHeight, inWidth, inChannels, filterHeight, filterWidth, outHeight, outWidth } = g;
  const { strideHeight, strideWidth, padTop, padLeft } = g;
  const k = filterHeight * filterWidth * inChannels;
  const filterRow = filterWidth * inChannels;
  let row = 0;
  for (let n = 0; n < batch; n++) {
    const imageBase = n * inHeight * inWidth * inChannels;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, row += k) {
        const iw0 = ow * strideWidth - padLeft; // image column of kw = 0
        const kwStart = Math.max(0, -iw0);
        const kwEnd = Math.min(filterWidth, inWidth - iw0);
        if (kwStart >= kwEnd) continue;
        const runLength = (kwEnd - kwStart) * inChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh - padTop;
          if (ih < 0 || ih >= inHeight) continue;
          const src = row + kh * filterRow + kwStart * inChannels;
          const dst = imageBase + (ih * inWidth + iw0 + kwStart) * inChannels;
          for (let j = 0; j < runLength; j++) dx[dst + j] = (dx[dst + j] as number) + (cols[src + j] as number);
        }
      }
    }
  }
}

function subPixelInputGradient(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry, plan: SubPixelPlan, inputShape: number[]): TensorInfo {
  const s = plan.stride;
  const key = `subpixel ${filter.shape.join('x')} stride ${s}`;
  const subFilter = derivedWeight(backend, filter, key, () => {
    const out = backend.makeOutput([plan.tapsHeight, plan.tapsWidth, g.outChannels, s * s * g.inChannels], 'float32');
    // Views after the allocation: malloc may grow (and so detach) the wasm heap.
    subPixelFilter(backend.typedArrayFromHeap(filter) as Float32Array, g, plan, backend.typedArrayFromHeap(out) as Float32Array);
    return out;
  });
  const y = wasmKernel('Conv2D')({
    inputs: { x: dy, filter: subFilter },
    backend,
    attrs: {
      strides: [1, 1],
      pad: [[0, 0], [plan.tapsHeight - 1, plan.extraRows], [plan.tapsWidth - 1, plan.extraCols], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    },
  }) as TensorInfo;
  const dx = backend.makeOutput(inputShape, 'float32');
  // Views after the allocation: malloc may grow (and so detach) the wasm heap.
  const yView = backend.typedArrayFromHeap(y) as Float32Array;
  const dxView = backend.typedArrayFromHeap(dx) as Float32Array;
  depthToSpaceCrop(yView, g, plan, dxView, heapBlockCopier(backend, yView, dxView));
  backend.disposeData(y.dataId);
  return dx;
}

function col2imInputGradient(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry, inputShape: number[]): TensorInfo {
  const k = g.filterHeight * g.filterWidth * g.inChannels;
  const m = g.batch * g.outHeight * g.outWidth;
  const filterT = transposedOperand(backend, filter, k, g.outChannels);
  const cols = matMul2d(backend, getKernel('BatchMatMul', 'wasm').kernelFunc as KernelFunc, dy, filterT, m, g.outChannels, k);
  const dx = backend.makeOutput(inputShape, 'float32');
  // Views after the last allocation: malloc may grow (and so detach) the wasm heap.
  const dxView = backend.typedArrayFromHeap(dx) as Float32Array;
  dxView.fill(0);
  col2imAdd(backend.typedArrayFromHeap(cols) as Float32Array, g, dxView);
  backend.disposeData(cols.dataId);
  return dx;
}

function conv2DBackpropInputWasm(args: {
  inputs: { dy?: TensorInfo; filter?: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  if (dy === undefined || filter === undefined) throw new Error('Conv2DBackpropInput needs inputs dy and filter');
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    throw new Error(`Conv2DBackpropInput on wasm supports float32 only, got ${dy.dtype}/${filter.dtype}`);
  }
  const g = convGeometry(attrs.inputShape, filter.shape as [number, number, number, number], attrs);
  const inputShape = [...attrs.inputShape];
  const plan = subPixelPlan(g);
  return plan !== undefined ? subPixelInputGradient(backend, dy, filter, g, plan, inputShape) : col2imInputGradient(backend, dy, filter, g, inputShape);
}

export const conv2DBackpropInputWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInputWasm as unknown as KernelFunc,
};
