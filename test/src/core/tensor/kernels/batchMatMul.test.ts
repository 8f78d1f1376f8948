/**
 * advgym's wasm BatchMatMul (explicit transposes) against the cpu backend's, for every
 * transposeA/transposeB combination, matrix-vector and matrix-matrix sizes, batched and not; and
 * its cached transposes of right operands (few-row products such as dy W^T at batch 1): correct
 * after the weights change, freed with them, bounded in size. Tolerance: see compare.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../../../../../src/core/tensor/backend.ts';
import { MAX_ROWS_FOR_CACHED_TRANSPOSE } from '../../../../../src/core/tensor/kernels/batchMatMul.ts';
import { clearDerivedWeights, derivedWeightCount } from '../../../../../src/core/tensor/kernels/derivedWeights.ts';
import { Rng } from '../../../../../src/core/rng.ts';
import { assertNoLeak } from '../../../../helpers/leakCheck.ts';
import { assertClose, randomArray } from './compare.ts';

test('wasm BatchMatMul matches cpu with and without transposes', async () => {
  const rng = Rng.fromSeed(5);
  for (let i = 0; i < 40; i++) {
    const batch = rng.chance(0.3) ? rng.int(2, 3) : 1;
    const [m, k, n] = [rng.pick([1, 2, rng.int(3, 70)]), rng.int(1, 70), rng.pick([1, rng.int(2, 70)])];
    const transposeA = rng.chance(0.5);
    const transposeB = rng.chance(0.5);
    const aShape = [batch, transposeA ? k : m, transposeA ? m : k];
    const bShape = [batch, transposeB ? n : k, transposeB ? k : n];
    const a = randomArray(rng, batch * m * k);
    const b = randomArray(rng, batch * k * n);
    const run = (): Float32Array => tf.tidy(() =>
      tf.matMul(tf.tensor3d(a, aShape as [number, number, number]), tf.tensor3d(b, bShape as [number, number, number]), transposeA, transposeB).dataSync() as Float32Array);
    await initBackend('cpu');
    const expected = run();
    await initBackend('wasm');
    const actual = await assertNoLeak(run, 'wasm BatchMatMul');
    assertClose(actual, expected, `case ${i} ${JSON.stringify({ aShape, bShape, transposeA, transposeB })}`);
  }
});

test('a batch of rows times a large transposed weight (dz W^T in training, computed as (W dz^T)^T) matches cpu', async () => {
  const rng = Rng.fromSeed(8);
  // The 2013 DQN net's dense-layer input gradients at 42x42 and 84x84, batch 32; a rank-3 [1, m, k]
  // case; and a wide-a case where the plain transpose is cheaper (not swapped; must match too).
  for (const [aShape, bShape] of [[[32, 256], [288, 256]], [[32, 256], [2592, 256]], [[1, 20, 100], [1, 300, 100]], [[64, 300], [40, 300]]]) {
    const a = randomArray(rng, (aShape as number[]).reduce((x, y) => x * y, 1));
    const b = randomArray(rng, (bShape as number[]).reduce((x, y) => x * y, 1));
    const run = (): Float32Array => tf.tidy(() => {
      const product = tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), false, true);
      assert.deepEqual(product.shape, [...(aShape as number[]).slice(0, -1), (bShape as number[]).at(-2)]);
      return product.dataSync() as Float32Array;
    });
    await initBackend('cpu');
    const expected = run();
    await initBackend('wasm');
    assertClose(await assertNoLeak(run, 'wasm BatchMatMul, swapped'), expected, `${JSON.stringify(aShape)} x ${JSON.stringify(bShape)}^T`);
  }
});

test('a few rows times a transposed weight (dy W^T at batch 1) matches cpu, and the cached W^T follows the weights', async () => {
  const rng = Rng.fromSeed(6);
  for (let i = 0; i < 24; i++) {
    // a [batchA, m, k] with batchA * m <= MAX_ROWS_FOR_CACHED_TRANSPOSE; b one [n, k] matrix shared by every batch of a.
    const batchA = rng.pick([1, 1, 2, 3]);
    const m = rng.int(1, Math.floor(MAX_ROWS_FOR_CACHED_TRANSPOSE / batchA));
    const [k, n] = [rng.int(1, 300), rng.int(1, 300)];
    const a = [0, 1].map(() => randomArray(rng, batchA * m * k));
    const versions = [0, 1, 2].map(() => randomArray(rng, n * k));
    // Two live weights of one shape used in turn (online and target nets), then an update of one
    // (variable assign: new data), as in PGD or training.
    const run = (): Float32Array[] => {
      const [w, other] = [0, 2].map((v) => tf.tidy(() => tf.variable(tf.tensor3d(versions[v] as Float32Array, [1, n, k])))) as [tf.Variable, tf.Variable];
      const products = (weight: tf.Tensor): Float32Array[] =>
        a.map((values) => tf.tidy(() => tf.matMul(tf.tensor3d(values, [batchA, m, k]), weight, false, true).dataSync() as Float32Array));
      const out = [...products(w), ...products(other), ...products(w)];
      tf.tidy(() => w.assign(tf.tensor3d(versions[1] as Float32Array, [1, n, k])));
      out.push(...products(w), ...products(other));
      tf.dispose([w, other]);
      return out;
    };
    await initBackend('cpu');
    const expected = run();
    await initBackend('wasm');
    const actual = await assertNoLeak(run, 'wasm BatchMatMul with a cached transpose');
    actual.forEach((r, j) => assertClose(r, expected[j] as Float32Array, `case ${i} product ${j} ${JSON.stringify({ batchA, m, k, n })}`));
    assert.equal(derivedWeightCount(tf.backend() as BackendWasm), 0, 'transposed copies are freed with their weights');
  }
});

test('the transposed-weight cache stays within its byte budget however many weights are alive', async () => {
  await initBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  clearDerivedWeights(backend);
  const before = backend.numDataIds();
  // 12 live 3 MB weights: 36 MB of transposes if all were kept, over the 32 MB budget.
  const weights = Array.from({ length: 12 }, (_, i) => tf.randomUniform([1, 768, 1024], -1, 1, 'float32', i));
  const dy = tf.randomUniform([1, 1, 1024], -1, 1, 'float32', 99);
  for (const w of weights) tf.tidy(() => tf.matMul(dy, w, false, true).dataSync());
  assert.ok(derivedWeightCount(backend) < weights.length, `kept ${derivedWeightCount(backend)} of ${weights.length}`);
  tf.dispose([...weights, dy]);
  assert.equal(derivedWeightCount(backend), 0);
  assert.equal(backend.numDataIds(), before, 'no backend data left behind');
});
