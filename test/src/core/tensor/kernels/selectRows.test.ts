/**
 * advgym's SelectRows kernel (kernels/selectRows.ts) on wasm and cpu: each output row is exactly
 * the chosen input's row, for every pattern of flags on small shapes and on a Pong batch, and
 * equal to the 0/1 blend it replaced in PGD; bad inputs rejected; no tensor left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../../src/core/tensor/backend.ts';
import { SELECT_ROWS, selectRows } from '../../../../../src/core/tensor/kernels/selectRows.ts';
import { Rng } from '../../../../../src/core/rng.ts';
import { assertNoLeak } from '../../../../helpers/leakCheck.ts';

for (const backend of ['wasm', 'cpu'] as const) {
  test(`selectRows picks whole rows exactly on ${backend}, as the 0/1 blend did`, async () => {
    await initBackend(backend);
    const rng = Rng.fromSeed(backend === 'wasm' ? 51 : 52);
    const shapes = [[3], [4, 5], [3, 2, 3, 1], [32, 84, 84, 4]];
    await assertNoLeak(() => {
      for (const shape of shapes) {
        const rows = shape[0] as number;
        const size = shape.reduce((p, d) => p * d, 1);
        const patterns = rows <= 4 ? Array.from({ length: 2 ** rows }, (_, bits) => Array.from({ length: rows }, (_, r) => ((bits >> r) & 1) === 1)) : [Array.from({ length: rows }, () => rng.chance(0.5))];
        const [aValues, bValues] = [0, 1].map(() => Float32Array.from({ length: size }, () => rng.float()));
        for (const take of patterns) {
          tf.tidy(() => {
            const [a, b] = [tf.tensor(aValues as Float32Array, shape), tf.tensor(bValues as Float32Array, shape)];
            const picked = selectRows(take, a, b).dataSync();
            const m = tf.reshape(tf.tensor1d(take.map(Number)), [rows, ...shape.slice(1).map(() => 1)]);
            const blend = tf.add(tf.mul(a, m), tf.mul(b, tf.sub(1, m))).dataSync();
            const rowSize = size / rows;
            for (let i = 0; i < size; i++) {
              const source = take[Math.floor(i / rowSize)] ? aValues : bValues;
              assert.ok(Object.is(picked[i], (source as Float32Array)[i]), `${JSON.stringify(shape)} ${take.map(Number).join('')}: element ${i}`);
            }
            assert.deepEqual(picked, blend, `${JSON.stringify(shape)}: as the blend`);
          });
        }
      }
      assert.ok(tf.getKernel(SELECT_ROWS, backend) !== undefined);
    }, 'selectRows');
    tf.tidy(() => {
      assert.throws(() => selectRows([true], tf.zeros([2, 3]), tf.zeros([2, 3])), /one flag per row/);
      assert.throws(() => selectRows([true, false], tf.zeros([2, 3]), tf.zeros([2, 4])), /one shape/);
    });
  });
}
