/**
 * Row i of `a` where take[i], else row i of `b` (a and b of one shape, float32), as ONE kernel
 * (advgym's own kernel name, for the wasm and cpu backends) that copies each row once.
 *
 * Why: PGD keeps, per observation, the iterate with the highest attack loss (src/lab/adversary/
 * pgd.ts), every step. As tf ops that is a 0/1 blend a*m + b*(1-m) (tf.where would tile the
 * condition to the full shape first): three passes over the batch, ~0.6 ms for 32 Pong
 * observations on wasm, against one copy here. For finite values the blend gives exactly the
 * selected row, so the results are the same.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getKernel, util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { registerMissingKernels } from './registerMissing.ts';

export const SELECT_ROWS = 'AdvgymSelectRows';

interface SelectInputs {
  a?: TensorInfo;
  b?: TensorInfo;
}

function checked(inputs: SelectInputs, attrs: NamedAttrMap): { a: TensorInfo; b: TensorInfo; take: number[]; rowSize: number } {
  const { a, b } = inputs;
  const take = attrs['take'] as number[];
  if (a === undefined || b === undefined) throw new Error(`${SELECT_ROWS} needs inputs a and b`);
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length === 0 || !util.arraysEqual(a.shape, b.shape) || take.length !== a.shape[0]) {
    throw new Error(`${SELECT_ROWS}: float32 a and b of one shape and one flag per row expected, got ${a.dtype}[${a.shape.join(',')}], ${b.dtype}[${b.shape.join(',')}], ${take.length} flags`);
  }
  return { a, b, take, rowSize: util.sizeFromShape(a.shape.slice(1)) };
}

function selectRowsWasm(args: { inputs: SelectInputs; backend: BackendWasm; attrs: NamedAttrMap }): TensorInfo {
  const { backend } = args;
  const { a, b, take, rowSize } = checked(args.inputs, args.attrs);
  const out = backend.makeOutput([...a.shape], 'float32');
  // Views after the allocation: malloc may grow (and so detach) the wasm heap. All three live in
  // the heap's one buffer, so copyWithin on a whole-heap view moves each row without an intermediate.
  const [aView, bView, outView] = [a, b, out].map((t) => backend.typedArrayFromHeap(t) as Float32Array) as [Float32Array, Float32Array, Float32Array];
  const heap = new Float32Array(outView.buffer);
  const target = outView.byteOffset / 4;
  take.forEach((flag, row) => {
    const source = (flag ? aView : bView).byteOffset / 4 + row * rowSize;
    heap.copyWithin(target + row * rowSize, source, source + rowSize);
  });
  return out;
}

function selectRowsCpu(args: { inputs: SelectInputs; backend: MathBackendCPU; attrs: NamedAttrMap }): TensorInfo {
  const { backend } = args;
  const { a, b, take, rowSize } = checked(args.inputs, args.attrs);
  const [aValues, bValues] = [a, b].map((t) => backend.readSync(t.dataId) as Float32Array) as [Float32Array, Float32Array];
  const out = new Float32Array(aValues.length);
  take.forEach((flag, row) => out.set((flag ? aValues : bValues).subarray(row * rowSize, (row + 1) * rowSize), row * rowSize));
  return backend.makeTensorInfo([...a.shape], 'float32', out);
}

const CONFIGS: readonly KernelConfig[] = [
  { kernelName: SELECT_ROWS, backendName: 'wasm', kernelFunc: selectRowsWasm as unknown as KernelFunc },
  { kernelName: SELECT_ROWS, backendName: 'cpu', kernelFunc: selectRowsCpu as unknown as KernelFunc },
];

/** Registers SELECT_ROWS for wasm and cpu; idempotent, and independent of which backend is active. */
export function registerSelectRowsKernels(): void {
  registerMissingKernels(CONFIGS);
}

/**
 * Per row, `a`'s where take[i] is true, else `b`'s: a new tensor (see the file comment). Where the
 * kernel is not registered (initBackend registers it: kernels/index.ts; the web page, tfjs-node),
 * the 0/1 blend as tf ops.
 */
export function selectRows<T extends tf.Tensor>(take: readonly boolean[], a: T, b: T): T {
  if (getKernel(SELECT_ROWS, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(SELECT_ROWS, { a, b }, { take: take.map(Number) }) as T;
  }
  return tf.tidy(() => {
    const m = tf.reshape(tf.tensor1d(take.map(Number)), [take.length, ...a.shape.slice(1).map(() => 1)]);
    return tf.add(tf.mul(a, m), tf.mul(b, tf.sub(1, m))) as T;
  });
}
