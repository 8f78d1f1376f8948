/**
 * A faster BatchMatMul for wasm when an operand is transposed. The shipped kernel takes XNNPACK's
 * fast path only for untransposed operands; with transposeA or transposeB (every dense layer's
 * backward pass: dW = x^T dy, dx = dy W^T) it falls back to a plain loop that made the
 * dense-layer gradient of a DQN-sized net ~50 ms of a ~110 ms train step. Transposing the operand
 * explicitly (XNNPACK transpose, memory-bound and cheap) and multiplying untransposed is much faster.
 */
import { BatchMatMul, getKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmKernel } from './wasmCalls.ts';

/** Measured on 84x84 DQN nets: 1 (batch-1 FGSM) is faster shipped; 6 x 2592 and up faster here. */
const MIN_SIDE_FOR_TRANSPOSE = 4;

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
