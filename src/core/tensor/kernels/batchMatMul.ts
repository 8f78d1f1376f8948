/**
 * A faster BatchMatMul for wasm when an operand is transposed. The shipped kernel takes XNNPACK's
 * fast path only for untransposed operands; with transposeA or transposeB (every dense layer's
 * backward pass: dW = x^T dy, dx = dy W^T) it falls back to a plain loop that made the
 * dense-layer gradient of a DQN-sized net ~50 ms of a ~110 ms train step. Transposing the operand
 * explicitly (XNNPACK transpose, memory-bound and cheap) and multiplying untransposed is much faster.
 *
 * A left operand of a few rows times a transposed right one (dx = dy W^T at batch 1: FGSM, PGD)
 * is the exception: there the per-call transpose and XNNPACK's repacking of W^T cost several times
 * the product. W^T is then taken from a cache that keeps it while W's data lives
 * (derivedWeights.ts), so XNNPACK packs it once and each call is a plain mat-vec.
 *
 * A batch of rows times a large transposed right operand that changes every call (dx = dz W^T in
 * a training step: dz [32, 256], W [288 or 2592, 256], new weights after every optimizer step) is
 * computed as (W dz^T)^T: XNNPACK then packs dz^T (8k values) instead of W^T (74k-664k), and the
 * two transposes are of the small operands. Measured at 42x42 (W 288x256): ~0.6 -> ~0.35 ms.
 */
import { BatchMatMul, getKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { transposedOperand } from './derivedWeights.ts';
import { wasmKernel } from './wasmCalls.ts';

/** Measured on 84x84 DQN nets: 1 (batch-1 FGSM) is faster shipped; 6 x 2592 and up faster here. */
const MIN_SIDE_FOR_TRANSPOSE = 4;

/**
 * Up to this many rows in the left operand, a transposed right operand comes from the cache: the
 * product is then small next to transposing and packing the right operand. Larger products
 * (training batches, whose weights change every step anyway) transpose per call as before.
 */
export const MAX_ROWS_FOR_CACHED_TRANSPOSE = 16;

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Builds the override around the backend's original kernel (read once, at registration). */
export function batchMatMulWasmConfig(): KernelConfig {
  const shipped = getKernel(BatchMatMul, 'wasm');
  const original = shipped.kernelFunc as KernelFunc;
  const kernelFunc = (args: {
    inputs: { a?: TensorInfo; b?: TensorInfo };
    backend: BackendWasm;
    attrs: { transposeA: boolean; transposeB: boolean };
  }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs;
    if (a === undefined || b === undefined) throw new Error('BatchMatMul needs inputs a and b');
    if (!attrs.transposeA && !attrs.transposeB) return original(args as never) as TensorInfo;
    const cached = attrs.transposeA ? undefined : timesCachedTranspose(backend, original, a, b);
    if (cached !== undefined) return cached;
    const swapped = attrs.transposeA ? undefined : asTransposedProduct(backend, original, a, b);
    if (swapped !== undefined) return swapped;
    // Matrix-vector products (FGSM at batch 1: dy[1, n] x W^T) gain nothing: XNNPACK repacks the
    // right operand on every call, which costs as much as the plain loop, plus the transpose.
    const rows = attrs.transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
    const cols = attrs.transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    if ((rows ?? 0) < MIN_SIDE_FOR_TRANSPOSE || (cols ?? 0) < MIN_SIDE_FOR_TRANSPOSE) return original(args as never) as TensorInfo;
    const temporaries: TensorInfo[] = [];
    const untransposed = (x: TensorInfo, transposed: boolean): TensorInfo => {
      if (!transposed) return x;
      const rank = x.shape.length;
      const perm = [...Array(rank).keys()];
      perm[rank - 2] = rank - 1;
      perm[rank - 1] = rank - 2;
      const out = wasmKernel('Transpose')({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
      temporaries.push(out);
      return out;
    };
    try {
      const aa = untransposed(a, attrs.transposeA);
      const bb = untransposed(b, attrs.transposeB);
      return original({ inputs: { a: aa, b: bb }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
  // The shipped kernel's setupFunc binds its C++ entry point when the backend initialises, which
  // only happens for kernels registered at that moment: ours must carry it over.
  const config: KernelConfig = { kernelName: BatchMatMul, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
  if (shipped.setupFunc !== undefined) config.setupFunc = shipped.setupFunc;
  return config;
}

/**
 * a [..., m, k] times b^T, b [1.., n, k] (one matrix, shared by every batch of a), with b^T from
 * the cache; undefined when the shapes are not that case or a has too many rows. a's batches are
 * contiguous rows of one [batch * m, k] matrix, so they go through XNNPACK as one product.
 */
function timesCachedTranspose(backend: BackendWasm, original: KernelFunc, a: TensorInfo, b: TensorInfo): TensorInfo | undefined {
  const rank = a.shape.length;
  if (rank < 2 || b.shape.length !== rank || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (product(b.shape.slice(0, -2)) !== 1) return undefined;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [n, kb] = b.shape.slice(-2) as [number, number];
  const rows = product(a.shape.slice(0, -2)) * m;
  if (k !== kb || rows > MAX_ROWS_FOR_CACHED_TRANSPOSE || rows === 0 || n === 0 || k === 0) return undefined;
  const bT = transposedOperand(backend, b, n, k);
  const out = original({
    inputs: { a: { dataId: a.dataId, shape: [1, rows, k], dtype: 'float32' }, b: bT },
    backend,
    attrs: { transposeA: false, transposeB: false },
  } as never) as TensorInfo;
  return { dataId: out.dataId, shape: [...a.shape.slice(0, -2), m, n], dtype: 'float32' };
}

/**
 * a [m, k] times b^T, b [n, k] (one matrix each), as (b a^T)^T when packing b^T (n*k values) would
 * cost more than transposing a and the product (m*k + m*n): see the file comment. undefined when
 * the shapes are not that case.
 */
function asTransposedProduct(backend: BackendWasm, original: KernelFunc, a: TensorInfo, b: TensorInfo): TensorInfo | undefined {
  const rank = a.shape.length;
  if (rank < 2 || b.shape.length !== rank || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (product(a.shape.slice(0, -2)) !== 1 || product(b.shape.slice(0, -2)) !== 1) return undefined;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [n, kb] = b.shape.slice(-2) as [number, number];
  if (k !== kb || m < MIN_SIDE_FOR_TRANSPOSE || m * (k + n) >= n * k) return undefined;
  const transpose = wasmKernel('Transpose');
  const aT = transpose({ inputs: { x: { dataId: a.dataId, shape: [m, k], dtype: 'float32' } }, backend, attrs: { perm: [1, 0] } }) as TensorInfo;
  const ba = original({
    inputs: { a: { dataId: b.dataId, shape: [1, n, k], dtype: 'float32' }, b: { dataId: aT.dataId, shape: [1, k, m], dtype: 'float32' } },
    backend,
    attrs: { transposeA: false, transposeB: false },
  } as never) as TensorInfo;
  backend.disposeData(aT.dataId);
  const out = transpose({ inputs: { x: { dataId: ba.dataId, shape: [n, m], dtype: 'float32' } }, backend, attrs: { perm: [1, 0] } }) as TensorInfo;
  backend.disposeData(ba.dataId);
  return { dataId: out.dataId, shape: [...a.shape.slice(0, -2), m, n], dtype: 'float32' };
}
