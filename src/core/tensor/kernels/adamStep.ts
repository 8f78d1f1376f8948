/**
 * One Adam update of one variable as ONE kernel (advgym's own kernel name, for the wasm and cpu
 * backends): reads the weight w, its gradient g and the moments m, v, returns the new w, m, v.
 *
 * Why: tf.train.adam spends 14 elementwise kernels per variable (plus scalar uploads), each paying
 * engine overhead and a full pass over memory: ~2 ms of an ~8 ms batch-32 train step for the 2013
 * DQN net at 42x42 (8 variables, ~88k weights), ~6 ms at 84x84 (~680k). On wasm the update is
 * one WebAssembly SIMD pass in the backend's heap (adamSimd.ts: ~0.45 ms and ~1.3 ms); on cpu,
 * and on wasm where that module cannot run, the JS loop below (on wasm about as slow as tf's
 * kernels; on cpu ~12x faster than them: 1.7 vs 21 ms at 42x42).
 *
 * The arithmetic is tf.train.adam's, operation for operation, each result rounded to float32
 * (Math.fround) as the backends' float32 kernels round it, with the same float32 constants:
 *
 *   m' = m*b1 + g*(1-b1)                v' = v*b2 + (g*g)*(1-b2)
 *   w' = ((m'/(1-b1^t)) / (sqrt(v'/(1-b2^t)) + eps)) * (-lr) + w
 *
 * Single IEEE operations on float32 inputs give the same float32 result whether computed in double
 * and rounded or in float32, so this equals tf.train.adam's result on cpu and wasm bit for bit
 * (no fused multiply-add on either). The optimizer (src/core/tensor/adam.ts) owns b1^t and b2^t.
 */
import { type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { AdamStepAttrs } from './adamAttrs.ts';
import { simdAdamUpdate } from './adamSimd.ts';
import { registerMissingKernels } from './registerMissing.ts';

export type { AdamStepAttrs } from './adamAttrs.ts';

export const ADAM_STEP = 'AdvgymAdamStep';

/** Writes the updated weight and moments (see the file comment) into the out arrays; inputs are not changed. */
export function adamUpdate(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  a: AdamStepAttrs,
  outW: Float32Array,
  outM: Float32Array,
  outV: Float32Array,
): void {
  const f = Math.fround;
  const { beta1, oneMinusBeta1, beta2, oneMinusBeta2, biasCorrection1, biasCorrection2, epsilon, negLearningRate } = a;
  for (let i = 0, n = w.length; i < n; i++) {
    const gi = g[i] as number;
    const mi = f(f((m[i] as number) * beta1) + f(gi * oneMinusBeta1));
    const vi = f(f((v[i] as number) * beta2) + f(f(gi * gi) * oneMinusBeta2));
    outM[i] = mi;
    outV[i] = vi;
    const step = f(f(f(mi / biasCorrection1) / f(f(Math.sqrt(f(vi / biasCorrection2))) + epsilon)) * negLearningRate);
    outW[i] = (w[i] as number) + step;
  }
}

interface StepInputs {
  weight?: TensorInfo;
  gradient?: TensorInfo;
  m?: TensorInfo;
  v?: TensorInfo;
}

function checkedInputs(inputs: StepInputs): [TensorInfo, TensorInfo, TensorInfo, TensorInfo] {
  const { weight, gradient, m, v } = inputs;
  if (weight === undefined || gradient === undefined || m === undefined || v === undefined) throw new Error(`${ADAM_STEP} needs inputs weight, gradient, m and v`);
  const all = [weight, gradient, m, v] as const;
  const size = (t: TensorInfo): number => t.shape.reduce((p, d) => p * d, 1);
  if (all.some((t) => t.dtype !== 'float32' || size(t) !== size(weight))) {
    throw new Error(`${ADAM_STEP}: float32 inputs of one size expected, got ${all.map((t) => `${t.dtype}[${t.shape.join(',')}]`).join(', ')}`);
  }
  return [weight, gradient, m, v];
}

function adamStepWasm(args: { inputs: StepInputs; backend: BackendWasm; attrs: NamedAttrMap }): TensorInfo[] {
  const { backend } = args;
  const attrs = args.attrs as unknown as AdamStepAttrs;
  const [weight, gradient, m, v] = checkedInputs(args.inputs);
  const outs = [weight, m, v].map((t) => backend.makeOutput([...t.shape], 'float32'));
  // Views after the last allocation: malloc may grow (and so detach) the wasm heap.
  const view = (t: TensorInfo): Float32Array => backend.typedArrayFromHeap(t) as Float32Array;
  const [outW, outM, outV] = outs as [TensorInfo, TensorInfo, TensorInfo];
  const arrays = { w: view(weight), g: view(gradient), m: view(m), v: view(v), outW: view(outW), outM: view(outM), outV: view(outV) };
  if (!simdAdamUpdate(backend, arrays, attrs)) {
    adamUpdate(arrays.w, arrays.g, arrays.m, arrays.v, attrs, arrays.outW, arrays.outM, arrays.outV);
  }
  return outs;
}

function adamStepCpu(args: { inputs: StepInputs; backend: MathBackendCPU; attrs: NamedAttrMap }): TensorInfo[] {
  const { backend } = args;
  const [weight, gradient, m, v] = checkedInputs(args.inputs);
  const read = (t: TensorInfo): Float32Array => backend.readSync(t.dataId) as Float32Array;
  const n = read(weight).length;
  const [outW, outM, outV] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  adamUpdate(read(weight), read(gradient), read(m), read(v), args.attrs as unknown as AdamStepAttrs, outW, outM, outV);
  return [backend.makeTensorInfo([...weight.shape], 'float32', outW), backend.makeTensorInfo([...m.shape], 'float32', outM), backend.makeTensorInfo([...v.shape], 'float32', outV)];
}

const CONFIGS: readonly KernelConfig[] = [
  { kernelName: ADAM_STEP, backendName: 'wasm', kernelFunc: adamStepWasm as unknown as KernelFunc },
  { kernelName: ADAM_STEP, backendName: 'cpu', kernelFunc: adamStepCpu as unknown as KernelFunc },
];

/** Registers ADAM_STEP for wasm and cpu; idempotent, and independent of which backend is active. */
export function registerAdamStepKernels(): void {
  registerMissingKernels(CONFIGS);
}
