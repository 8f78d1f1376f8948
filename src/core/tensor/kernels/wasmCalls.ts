/**
 * Calls into the wasm backend's own kernels from inside our kernels. Kernel functions receive
 * TensorInfos (data ids on the wasm heap), not Tensors, so we call the registered kernel functions
 * directly and free every intermediate with backend.disposeData.
 */
import { getKernel, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** A kernel function as registered right now (call at kernel run time, after registration). */
export function wasmKernel(name: string): KernelFunc {
  const config = getKernel(name, 'wasm') as ReturnType<typeof getKernel> | undefined;
  if (config === undefined) throw new Error(`wasm backend has no ${name} kernel`);
  return config.kernelFunc as KernelFunc;
}

/** Same data, another shape (no copy; the caller must not dispose the view separately). */
export function view(info: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/**
 * [m, k] x [k, n] -> [m, n] with the given untransposed batch matmul (XNNPACK's fast path).
 * `matMul` is passed in so the BatchMatMul override can hand over the original kernel.
 */
export function matMul2d(
  backend: BackendWasm,
  matMul: KernelFunc,
  a: TensorInfo,
  b: TensorInfo,
  m: number,
  k: number,
  n: number,
): TensorInfo {
  const attrs: NamedAttrMap = { transposeA: false, transposeB: false };
  return matMul({ inputs: { a: view(a, [1, m, k]), b: view(b, [1, k, n]) }, backend, attrs }) as TensorInfo;
}
