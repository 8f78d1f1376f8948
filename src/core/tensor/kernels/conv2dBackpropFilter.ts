/**
 * Conv2DBackpropFilter for the wasm backend, which ships without it (so, as shipped, no conv net
 * can be trained on wasm). The filter gradient is a matrix product:
 *
 *   dW[kh, kw, ci, co] = sum over (n, oh, ow) of x[n, oh*sh + kh - padTop, ow*sw + kw - padLeft, ci] * dy[n, oh, ow, co]
 *
 * We lay the input patches out as a [K, M] matrix (K = kh*kw*ci rows, M = n*oh*ow columns;
 * "transposed im2col", zero where the window hangs over the padding) with strided block copies
 * (stridedCopy.ts: a WebAssembly loop in the backend's heap, ~3x faster than the JS loop it
 * replaced, which took ~1.6 of ~2.5 ms at the 2013 DQN net's first layer, 42x42, batch 32),
 * then hand the [K, M] x [M, co] product to the wasm backend's own BatchMatMul kernel (XNNPACK,
 * SIMD). Building the patches transposed keeps both matMul operands untransposed, which is the
 * layout XNNPACK's fast path takes. Measured alternatives are in bench/backend.ts's notes.
 * NHWC only (the project's layout), dilation 1 (tfjs's own conv2d gradient requires it too).
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  getKernel,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { copyBlocks, heapBlockCopier, type BlockCopy } from './stridedCopy.ts';

/** Geometry of one 2-D convolution, in the names the loops below use. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  filterHeight: number;
  filterWidth: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

export function convGeometry(
  xShape: readonly number[],
  filterShape: [number, number, number, number],
  attrs: Pick<Conv2DBackpropFilterAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'>,
): ConvGeometry {
  if (attrs.dataFormat !== 'NHWC') {
    throw new Error(`advgym's wasm Conv2DBackpropFilter supports NHWC only, got ${attrs.dataFormat}`);
  }
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * The transposed im2col matrix of `x` (see the file comment) as strided block copies, one per
 * filter tap (kh, kw), planes = input channels: patch row (kh, kw, ci) holds, per image, the
 * outHeight x outWidth pixels x[n, oh*sh + kh - padTop, ow*sw + kw - padLeft, ci], of which the
 * copy takes those inside the image. `zeroFill`: whether some windows hang over the padding, so
 * the matrix must be zeroed before the copies (which skip those positions).
 */
export function im2colCopies(g: ConvGeometry): { copies: BlockCopy[]; zeroFill: boolean } {
  const { batch, inHeight, inWidth, inChannels, filterHeight, filterWidth, outHeight, outWidth } = g;
  const { strideHeight, strideWidth, padTop, padLeft } = g;
  const columns = batch * outHeight * outWidth;
  // Output positions whose window tap k lands inside [0, size): o in [start, end).
  const inside = (k: number, pad: number, stride: number, size: number, outSize: number): [number, number] => {
    const start = Math.min(outSize, Math.max(0, Math.ceil((pad - k) / stride)));
    return [start, Math.max(start, Math.min(outSize, Math.floor((size - 1 + pad - k) / stride) + 1))];
  };
  const copies: BlockCopy[] = [];
  let zeroFill = false;
  for (let kh = 0; kh < filterHeight; kh++) {
    const [ohStart, ohEnd] = inside(kh, padTop, strideHeight, inHeight, outHeight);
    for (let kw = 0; kw < filterWidth; kw++) {
      const [owStart, owEnd] = inside(kw, padLeft, strideWidth, inWidth, outWidth);
      if (ohStart > 0 || ohEnd < outHeight || owStart > 0 || owEnd < outWidth) zeroFill = true;
      if (ohEnd === ohStart || owEnd === owStart) continue;
      copies.push({
        blocks: batch,
        planes: inChannels,
        rows: ohEnd - ohStart,
        cols: owEnd - owStart,
        srcStart: ((ohStart * strideHeight + kh - padTop) * inWidth + owStart * strideWidth + kw - padLeft) * inChannels,
        srcBlockStride: inHeight * inWidth * inChannels,
        srcPlaneStride: 1,
        srcRowStride: strideHeight * inWidth * inChannels,
        srcColStride: strideWidth * inChannels,
        dstStart: (kh * filterWidth + kw) * inChannels * columns + ohStart * outWidth + owStart,
        dstBlockStride: outHeight * outWidth,
        dstPlaneStride: columns,
        dstRowStride: outWidth,
      });
    }
  }
  return { copies, zeroFill };
}

/**
 * Writes the transposed im2col matrix of `x` (NHWC) into `patches` ([K, M] row-major, see the
 * file comment) with `copy` (default: the JS loop). Every element of `patches` is written, so it
 * need not be zeroed first.
 */
export function im2colTransposed(x: Float32Array, g: ConvGeometry, patches: Float32Array, copy: (c: BlockCopy) => void = (c) => copyBlocks(x, patches, c)): void {
  const { copies, zeroFill } = im2colCopies(g);
  if (zeroFill) patches.fill(0);
  for (const c of copies) copy(c);
}

function conv2DBackpropFilterWasm(args: {
  inputs: { x?: TensorInfo; dy?: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  if (x === undefined || dy === undefined) throw new Error('Conv2DBackpropFilter needs inputs x and dy');
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`Conv2DBackpropFilter on wasm supports float32 only, got ${x.dtype}/${dy.dtype}`);
  }
  const g = convGeometry(x.shape, attrs.filterShape, attrs);
  const k = g.filterHeight * g.filterWidth * g.inChannels;
  const m = g.batch * g.outHeight * g.outWidth;

  const patches = backend.makeOutput([k, m], 'float32');
  // Views into the wasm heap are taken after the allocation: malloc may grow (and so detach) the heap.
  const patchesView = backend.typedArrayFromHeap(patches) as Float32Array;
  const xView = backend.typedArrayFromHeap(x) as Float32Array;
  im2colTransposed(xView, g, patchesView, heapBlockCopier(backend, xView, patchesView));

  const matMul = getKernel('BatchMatMul', 'wasm').kernelFunc as KernelFunc;
  const product = matMul({
    inputs: {
      a: { dataId: patches.dataId, shape: [1, k, m], dtype: 'float32' },
      b: { dataId: dy.dataId, shape: [1, m, g.outChannels], dtype: 'float32' },
    },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as TensorInfo;
  backend.disposeData(patches.dataId);
  return { dataId: product.dataId, shape: [...attrs.filterShape], dtype: 'float32' };
}

export const conv2DBackpropFilterWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as unknown as KernelFunc,
};
