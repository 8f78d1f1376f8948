/**
 * Conv2DBackpropFilter for the wasm backend, which ships without it (so, as shipped, no conv net
 * can be trained on wasm). The filter gradient is a matrix product:
 *
 *   dW[kh, kw, ci, co] = sum over (n, oh, ow) of x[n, oh*sh + kh - padTop, ow*sw + kw - padLeft, ci] * dy[n, oh, ow, co]
 *
 * We lay the input patches out as a [K, M] matrix (K = kh*kw*ci rows, M = n*oh*ow columns;
 * "transposed im2col", zero where the window hangs over the padding) with a tight typed-array loop,
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
 * Writes the transposed im2col matrix of `x` (NHWC) into `patches` ([K, M] row-major, see the
 * file comment). Every element of `patches` is written, so it need not be zeroed first.
 */
export function im2colTransposed(x: Float32Array, g: ConvGeometry, patches: Float32Array): void {
  const { batch, inHeight, inWidth, inChannels, filterHeight, filterWidth, outHeight, outWidth } = g;
  const { strideHeight, strideWidth, padTop, padLeft } = g;
  const rowStride = inWidth * inChannels;
  const colStep = strideWidth * inChannels;
  let out = 0;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      // Output columns whose window column kw lands inside the image: ow in [owStart, owEnd).
      const owStart = Math.min(outWidth, Math.max(0, Math.ceil((padLeft - kw) / strideWidth)));
      const owEnd = Math.max(owStart, Math.min(outWidth, Math.floor((inWidth - 1 + padLeft - kw) / strideWidth) + 1));
      for (let ci = 0; ci < inChannels; ci++) {
        for (let n = 0; n < batch; n++) {
          const imageBase = n * inHeight * rowStride + ci;
          for (let oh = 0; oh < outHeight; oh++) {
            const ih = oh * strideHeight + kh - padTop;
            if (ih < 0 || ih >= inHeight) {
              patches.fill(0, out, out + outWidth);
              out += outWidth;
              continue;
            }
            const rowEnd = out + outWidth;
            if (owStart > 0) patches.fill(0, out, out + owStart);
            let src = imageBase + ih * rowStride + (owStart * strideWidth + kw - padLeft) * inChannels;
            for (let o = out + owStart, end = out + owEnd; o < end; o++) {
              patches[o] = x[src] as number;
              src += colStep;
            }
            if (owEnd < outWidth) patches.fill(0, out + owEnd, rowEnd);
            out = rowEnd;
          }
        }
      }
    }
  }
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
  im2colTransposed(xView, g, patchesView);

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
