/**
 * The two implementations of the fused Adam update (src/core/tensor/kernels/adamStep.ts): the
 * WebAssembly SIMD pass in the wasm backend's heap (adamSimd.ts) against the JS loop, to the bit,
 * on lengths that exercise the four-lane body and the scalar tail; and the SIMD pass refusing
 * arrays that are not in the backend's heap. (Both against tf.train.adam: test/src/core/tensor/adam.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../../../../../src/core/tensor/backend.ts';
import { adamUpdate, type AdamStepAttrs } from '../../../../../src/core/tensor/kernels/adamStep.ts';
import { simdAdamUpdate, type HeapArrays } from '../../../../../src/core/tensor/kernels/adamSimd.ts';
import { Rng } from '../../../../../src/core/rng.ts';

const f32 = Math.fround;
/** Step 3 of Adam(lr 1e-3, 0.9, 0.999, 1e-7), the constants as the optimizer passes them. */
const ATTRS: AdamStepAttrs = {
  beta1: f32(0.9), oneMinusBeta1: f32(1 - 0.9), beta2: f32(0.999), oneMinusBeta2: f32(1 - 0.999),
  biasCorrection1: f32(1 - f32(0.9) ** 3), biasCorrection2: f32(1 - f32(0.999) ** 3), epsilon: f32(1e-7), negLearningRate: f32(-1e-3),
};

function randomInputs(rng: Rng, n: number): Float32Array[] {
  const values = (positive: boolean): Float32Array => Float32Array.from({ length: n }, () => {
    if (rng.chance(0.1)) return 0;
    const x = rng.uniform(-1, 1) * 10 ** rng.uniform(-6, 1);
    return positive ? Math.abs(x) : x;
  });
  return [values(false), values(false), values(false), values(true)]; // w, g, m, v (v >= 0)
}

test('the SIMD Adam pass equals the JS loop bit for bit, body and tail lengths', async () => {
  await initBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  const rng = Rng.fromSeed(42);
  for (const n of [1, 3, 4, 5, 8, 13, 1001, 4096]) {
    const [w, g, m, v] = randomInputs(rng, n) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const expected = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
    adamUpdate(w, g, m, v, ATTRS, ...expected);
    const tensors = [w, g, m, v, ...expected.map(() => new Float32Array(n))].map((values) => tf.tensor1d(values));
    // Views after every upload: an allocation may grow (and so detach) the heap.
    const [hw, hg, hm, hv, outW, outM, outV] = tensors.map((t) => backend.typedArrayFromHeap(t) as Float32Array) as Float32Array[];
    const arrays = { w: hw, g: hg, m: hm, v: hv, outW, outM, outV } as HeapArrays;
    assert.equal(simdAdamUpdate(backend, arrays, ATTRS), true, 'the SIMD module runs on this Node');
    (['outW', 'outM', 'outV'] as const).forEach((name, k) =>
      assert.deepEqual([...arrays[name]], [...(expected[k] as Float32Array)], `${name}, n = ${n}`));
    assert.ok(expected[0].some((x, j) => x !== w[j]), `n = ${n}: the weights moved`);
    tf.dispose(tensors);
  }
});

test('the SIMD Adam pass refuses arrays outside the backend heap and writes nothing', async () => {
  await initBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  const [w, g, m, v] = randomInputs(Rng.fromSeed(1), 8) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const outW = new Float32Array(8);
  assert.equal(simdAdamUpdate(backend, { w, g, m, v, outW, outM: new Float32Array(8), outV: new Float32Array(8) }, ATTRS), false);
  assert.ok(outW.every((x) => x === 0));
});
