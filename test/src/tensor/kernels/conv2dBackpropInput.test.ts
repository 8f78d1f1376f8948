/**
 * advgym's wasm Conv2DBackpropInput against the cpu backend's, on random geometries: strides 1-4,
 * 'valid' and 'same' padding, batch 1-8, channels 1-16, NHWC. Tolerance: see compare.ts (1e-4
 * relative to the largest |value|).
 */
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/tensor/backend.ts';
import { convGeometry } from '../../../../src/tensor/kernels/conv2dBackpropFilter.ts';
import { Rng } from '../../../../src/rng.ts';
import { assertNoLeak } from '../../../helpers/leakCheck.ts';
import { assertClose, randomArray } from './compare.ts';

test('wasm Conv2DBackpropInput matches cpu on 60 random geometries', async () => {
  const rng = Rng.fromSeed(99);
  for (let i = 0; i < 60; i++) {
    const fh = rng.int(1, 8);
    const fw = rng.int(1, 8);
    const inputShape: [number, number, number, number] = [rng.int(1, 8), rng.int(fh, 24), rng.int(fw, 24), rng.int(1, 16)];
    const filterShape: [number, number, number, number] = [fh, fw, inputShape[3], rng.int(1, 16)];
    const strides: [number, number] = [rng.int(1, 4), rng.int(1, 4)];
    const pad = rng.chance(0.5) ? 'valid' : 'same';
    const g = convGeometry(inputShape, filterShape, { strides, pad, dataFormat: 'NHWC' });
    const dyShape = [inputShape[0], g.outHeight, g.outWidth, filterShape[3]];
    const dy = randomArray(rng, dyShape.reduce((a, b) => a * b, 1));
    const filter = randomArray(rng, filterShape.reduce((a, b) => a * b, 1));
    const run = (): Float32Array => tf.tidy(() => {
      const result = tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dy, dyShape), filter: tf.tensor(filter, filterShape) }, {
        strides, pad, dataFormat: 'NHWC', inputShape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return result.dataSync() as Float32Array;
    });
    await initBackend('cpu');
    const expected = run();
    await initBackend('wasm');
    const actual = await assertNoLeak(run, 'wasm Conv2DBackpropInput');
    assertClose(actual, expected, `case ${i} ${JSON.stringify({ inputShape, filterShape, strides, pad })}`);
  }
});
