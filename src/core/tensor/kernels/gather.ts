/**
 * GatherV2 for the wasm backend along axis 0 (batchDims 0) of a float32 or int32 tensor: whole rows
 * picked by index, each one contiguous block copy in the heap (TypedArray.copyWithin, a memmove).
 * Other gathers go to the shipped kernel.
 *
 * Why: the shipped kernel computes source and destination strides per element in C++; picking 16
 * of 32 Pong observations (84x84x4 each) took ~40 ms, against ~0.2 ms for copying the rows. The
 * adversarial-training hook gathers the attacked half of each replay batch and puts the batch back
 * together in order with two more gathers (src/lab/defense/observationHook.ts), so at its default
 * fraction 0.5 the gathers cost more than the attack. A copy gives the shipped kernel's values
 * exactly; out-of-range indices are left to the shipped kernel, which rejects them.
 */
import { GatherV2, getKernel, util, type GatherV2Attrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

function rowGather(backend: BackendWasm, x: TensorInfo, indices: TensorInfo): TensorInfo | undefined {
  if ((x.dtype !== 'float32' && x.dtype !== 'int32') || indices.dtype !== 'int32' || x.shape.length === 0) return undefined;
  const rows = x.shape[0] as number;
  const rowSize = util.sizeFromShape(x.shape.slice(1));
  const picked = backend.typedArrayFromHeap(indices) as Int32Array;
  for (const index of picked) if (!(index >= 0 && index < rows)) return undefined;
  const order = Int32Array.from(picked); // the heap view would detach if makeOutput grows the heap
  const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  // Views after the allocation: malloc may grow (and so detach) the wasm heap. Both views share one
  // buffer, the heap, so copyWithin on a whole-heap view moves the bytes without an intermediate.
  const source = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const target = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  const heap = new Int32Array(source.buffer);
  const sourceStart = source.byteOffset / 4;
  const targetStart = target.byteOffset / 4;
  order.forEach((index, i) => heap.copyWithin(targetStart + i * rowSize, sourceStart + index * rowSize, sourceStart + (index + 1) * rowSize));
  return out;
}

/** The override around the shipped kernel (read once, at registration). */
export function gatherV2WasmConfig(): KernelConfig {
  const shipped = getKernel(GatherV2, 'wasm');
  const original = shipped.kernelFunc as KernelFunc;
  const kernelFunc = (args: { inputs: { x?: TensorInfo; indices?: TensorInfo }; backend: BackendWasm; attrs: GatherV2Attrs }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x, indices } = inputs;
    if (x !== undefined && indices !== undefined && (attrs.batchDims ?? 0) === 0 && util.parseAxisParam(attrs.axis, x.shape)[0] === 0) {
      const out = rowGather(backend, x, indices);
      if (out !== undefined) return out;
    }
    return original(args as never) as TensorInfo;
  };
  const config: KernelConfig = { kernelName: GatherV2, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
  // The shipped kernel's setupFunc binds its C++ entry point at backend initialisation: carry it over.
  if (shipped.setupFunc !== undefined) config.setupFunc = shipped.setupFunc;
  return config;
}
