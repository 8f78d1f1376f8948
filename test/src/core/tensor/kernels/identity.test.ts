/**
 * advgym's wasm Identity shares data instead of copying it: a clone (what tfjs makes of every
 * tensor a gradient saves) reads the same values, outlives its source, frees the data only when
 * the last holder goes, and gradients through saved tensors still equal cpu's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../../../../../src/core/tensor/backend.ts';
import { Rng } from '../../../../../src/core/rng.ts';
import { assertClose, randomArray } from './compare.ts';

test('wasm clone shares the data, outlives its source and frees it with the last holder', async () => {
  await initBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  const before = backend.numDataIds();
  const values = randomArray(Rng.fromSeed(1), 24);
  const source = tf.tensor3d(values, [2, 3, 4]);
  const copy = tf.clone(source);
  assert.equal(backend.numDataIds(), before + 1, 'no second buffer');
  assert.deepEqual(copy.shape, [2, 3, 4]);
  source.dispose();
  assert.deepEqual(copy.dataSync(), values);
  copy.dispose();
  assert.equal(backend.numDataIds(), before, 'freed with the last holder');
  // A variable's clone keeps the old values when the variable is assigned new ones.
  const variable = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3])));
  const snapshot = tf.clone(variable);
  tf.tidy(() => variable.assign(tf.tensor1d([7, 8, 9])));
  assert.deepEqual(Array.from(snapshot.dataSync()), [1, 2, 3]);
  assert.deepEqual(Array.from(variable.dataSync()), [7, 8, 9]);
  tf.dispose([variable, snapshot]);
  assert.equal(backend.numDataIds(), before);
});

test('gradients through saved (cloned) weights equal cpu on wasm', async () => {
  const rng = Rng.fromSeed(2);
  const x = randomArray(rng, 3 * 10);
  const w = randomArray(rng, 10 * 5);
  const run = (): Float32Array[] => tf.tidy(() => {
    const weights = tf.variable(tf.tensor2d(w, [10, 5]));
    const input = tf.tensor2d(x, [3, 10]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.relu(tf.matMul(input, weights)))) as tf.Scalar, [weights]);
    const out = [value.dataSync() as Float32Array, grads[weights.name]?.dataSync() as Float32Array];
    weights.dispose();
    return out;
  });
  await initBackend('cpu');
  const expected = run();
  await initBackend('wasm');
  const actual = run();
  actual.forEach((a, i) => assertClose(a, expected[i] as Float32Array, `output ${i}`));
});
