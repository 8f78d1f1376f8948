/**
 * The Adam update (kernels/adamStep.ts) as a WebAssembly SIMD function working directly in the
 * wasm backend's heap (wasm/adamStep.wat, loaded by heapModule.ts): four weights per instruction,
 * no copies.
 *
 * Why not a JS loop: Adam needs three divisions and a square root per weight, and JS does them one
 * at a time in double precision with a Math.fround after each; measured on this project's 2-core
 * machines that loop took as long as tf.train.adam's 14 kernels (~1.8 ms for the 88k weights of
 * the 2013 DQN net at 42x42, ~10 ms at 84x84). f32x4 does four float32 lanes per operation, and
 * WebAssembly's f32 add, mul, div and sqrt are IEEE-754 correctly rounded, exactly like the float32
 * operations of tf.train.adam's kernels, so the results stay equal to the bit.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { AdamStepAttrs } from './adamAttrs.ts';
import { heapFunction } from './heapModule.ts';

const adamFunction = heapFunction(new URL('./wasm/adamStep.wasm', import.meta.url), 'adam');

/** The AdamStepAttrs in the order of the function's float32 params (after the seven arrays and n). */
const ATTR_ORDER = ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'biasCorrection1', 'biasCorrection2', 'epsilon', 'negLearningRate'] as const;

/** The arrays of one update: Float32Array views into the backend's heap, all of one length. */
export interface HeapArrays {
  readonly w: Float32Array;
  readonly g: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly outW: Float32Array;
  readonly outM: Float32Array;
  readonly outV: Float32Array;
}

/**
 * Runs the update in the backend's heap (the arrays must be views of its current buffer); false,
 * with nothing written, where the SIMD function cannot run (the caller then uses the JS loop).
 */
export function simdAdamUpdate(backend: BackendWasm, arrays: HeapArrays, attrs: AdamStepAttrs): boolean {
  const all = [arrays.w, arrays.g, arrays.m, arrays.v, arrays.outW, arrays.outM, arrays.outV];
  const adam = adamFunction.forBackend(backend);
  if (adam === undefined || !adamFunction.inHeap(backend, all) || all.some((a) => a.length !== arrays.w.length)) return false;
  adam(...all.map((a) => a.byteOffset), arrays.w.length, ...ATTR_ORDER.map((name) => attrs[name]));
  return true;
}
