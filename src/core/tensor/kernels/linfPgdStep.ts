/**
 * One l-inf PGD step as ONE kernel (advgym's own kernel name, for the wasm and cpu backends):
 *
 *   next = clip(clean + clip((x + sign(g) * maskStep) - clean, -eps, eps), 0, 1)
 *
 * with maskStep = the scope mask times the step size (src/lab/adversary/pgd.ts). Why: as tf ops this
 * is six passes over the batch (sign, mul, add, sub, clip, add, clip: 0.9M floats each for 32 Pong
 * observations, ~0.15 ms a pass on wasm), every PGD step; here it is one. The arithmetic is the
 * tf ops', operation for operation, each rounded to float32, with each backend's own Sign (wasm: 0
 * for |g| < FLT_EPSILON and NaN; cpu: 0 only at 0 and NaN) and clip, so the result equals what those
 * ops give on that backend bit for bit (test/src/core/tensor/kernels/linfPgdStep.test.ts). On wasm
 * it is a WebAssembly SIMD pass in the backend's heap (wasm/linfPgdStep.wat, run by
 * linfPgdStepSimd.ts), or this JS loop where that module cannot run.
 *
 * This file stays free of Node built-ins: pgd.ts imports it, and the web page bundles pgd.ts. The
 * kernels are registered by the Node side (kernels/index.ts, from initBackend), which hands in the
 * SIMD runner; where nothing registered them (the page), linfPgdStep runs the same tf ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getKernel, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { registerMissingKernels } from './registerMissing.ts';

export const LINF_PGD_STEP = 'AdvgymLinfPgdStep';

const FLT_EPSILON = 2 ** -23;

/** Each backend's Sign, as its shipped kernel computes it. */
const wasmSign = (g: number): number => (g >= FLT_EPSILON ? 1 : g <= -FLT_EPSILON ? -1 : 0);
const cpuSign = (g: number): number => (g < 0 ? -1 : g > 0 ? 1 : 0);

/** The JS loop (see the file comment); `clip` is the backend's ClipByValue on one value. */
function linfStepLoop(x: Float32Array, g: Float32Array, clean: Float32Array, maskStep: Float32Array, eps: number, out: Float32Array, sign: (g: number) => number, clip: (v: number, lo: number, hi: number) => number): void {
  const f = Math.fround;
  const e = f(eps);
  for (let i = 0; i < out.length; i++) {
    const c = clean[i] as number;
    const delta = clip(f(f((x[i] as number) + f(sign(g[i] as number) * (maskStep[i] as number))) - c), -e, e);
    out[i] = clip(f(c + delta), 0, 1);
  }
}

/** XNNPACK's clamp (wasm ClipByValue): pmax with the lower bound, then pmin with the upper. */
const wasmClip = (v: number, lo: number, hi: number): number => {
  const above = lo < v ? v : lo;
  return above < hi ? above : hi;
};
/** tfjs-backend-cpu's ClipByValue. */
const cpuClip = (v: number, lo: number, hi: number): number => (v > hi ? hi : v < lo ? lo : v);

interface StepInputs {
  x?: TensorInfo;
  g?: TensorInfo;
  clean?: TensorInfo;
  maskStep?: TensorInfo;
}

function checkedInputs(inputs: StepInputs): [TensorInfo, TensorInfo, TensorInfo, TensorInfo] {
  const { x, g, clean, maskStep } = inputs;
  if (x === undefined || g === undefined || clean === undefined || maskStep === undefined) throw new Error(`${LINF_PGD_STEP} needs inputs x, g, clean and maskStep`);
  const all = [x, g, clean, maskStep] as const;
  if (all.some((t) => t.dtype !== 'float32' || t.shape.length !== x.shape.length || t.shape.some((d, i) => d !== x.shape[i]))) {
    throw new Error(`${LINF_PGD_STEP}: float32 inputs of one shape expected, got ${all.map((t) => `${t.dtype}[${t.shape.join(',')}]`).join(', ')}`);
  }
  return [x, g, clean, maskStep];
}

/**
 * Runs the step on heap views [x, g, clean, maskStep, out] of one length; false where it cannot
 * (then the JS loop runs). linfPgdStepSimd.ts provides the WebAssembly one.
 */
export type HeapLinfStep = (backend: BackendWasm, arrays: readonly Float32Array[], eps: number) => boolean;

function linfStepWasm(simd: HeapLinfStep | undefined) {
  return (args: { inputs: StepInputs; backend: BackendWasm; attrs: NamedAttrMap }): TensorInfo => {
    const { backend } = args;
    const eps = args.attrs['eps'] as number;
    const inputs = checkedInputs(args.inputs);
    const out = backend.makeOutput([...inputs[0].shape], 'float32');
    // Views after the allocation: malloc may grow (and so detach) the wasm heap.
    const arrays = [...inputs, out].map((t) => backend.typedArrayFromHeap(t) as Float32Array);
    const [x, g, clean, maskStep, result] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    if (simd === undefined || !simd(backend, arrays, eps)) linfStepLoop(x, g, clean, maskStep, eps, result, wasmSign, wasmClip);
    return out;
  };
}

function linfStepCpu(args: { inputs: StepInputs; backend: MathBackendCPU; attrs: NamedAttrMap }): TensorInfo {
  const { backend } = args;
  const inputs = checkedInputs(args.inputs);
  const [x, g, clean, maskStep] = inputs.map((t) => backend.readSync(t.dataId) as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const result = new Float32Array(x.length);
  linfStepLoop(x, g, clean, maskStep, args.attrs['eps'] as number, result, cpuSign, cpuClip);
  return backend.makeTensorInfo([...inputs[0].shape], 'float32', result);
}

/**
 * Registers LINF_PGD_STEP for wasm (with `simd` where given) and cpu; idempotent, and independent
 * of which backend is active.
 */
export function registerLinfPgdStepKernels(simd?: HeapLinfStep): void {
  const configs: KernelConfig[] = [
    { kernelName: LINF_PGD_STEP, backendName: 'wasm', kernelFunc: linfStepWasm(simd) as unknown as KernelFunc },
    { kernelName: LINF_PGD_STEP, backendName: 'cpu', kernelFunc: linfStepCpu as unknown as KernelFunc },
  ];
  registerMissingKernels(configs);
}

/**
 * The step (see the file comment) where the active backend has the kernel; elsewhere (the web
 * page, tfjs-node) the same tf ops one by one. No gradient: PGD never differentiates through its steps.
 */
export function linfPgdStep(x: tf.Tensor4D, g: tf.Tensor4D, clean: tf.Tensor4D, maskStep: tf.Tensor4D, eps: number): tf.Tensor4D {
  if (getKernel(LINF_PGD_STEP, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(LINF_PGD_STEP, { x, g, clean, maskStep }, { eps }) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const moved = tf.add(x, tf.mul(tf.sign(g), maskStep));
    const delta = tf.clipByValue(tf.sub(moved, clean), -eps, eps);
    return tf.clipByValue(tf.add(clean, delta), 0, 1) as tf.Tensor4D;
  });
}
