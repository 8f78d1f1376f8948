/**
 * advgym's wasm BatchMatMul (explicit transposes) against the cpu backend's, for every
 * transposeA/transposeB combination, matrix-vector and matrix-matrix sizes, batched and not.
 * Tolerance: see compare.ts.
 */
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/tensor/backend.ts';
import { Rng } from '../../../../src/rng.ts';
import { assertNoLeak } from '../../../helpers/leakCheck.ts';
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
