/**
 * advgym's wasm Conv2DBackpropFilter against the cpu backend's own kernel, on random geometries:
 * strides 1-4, 'valid' and 'same' padding, batch 1-8, channels 1-16, filters 1-8, NHWC.
 * Both backends run in this one process; the same inputs are uploaded to each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../../src/core/tensor/backend.ts';
import { convGeometry, im2colTransposed } from '../../../../../src/core/tensor/kernels/conv2dBackpropFilter.ts';
import { Rng } from '../../../../../src/core/rng.ts';
import { assertNoLeak } from '../../../../helpers/leakCheck.ts';
import { randomArray } from './compare.ts';

interface Case {
  batch: number; height: number; width: number; inChannels: number; outChannels: number;
  filterHeight: number; filterWidth: number; strides: [number, number]; pad: 'valid' | 'same';
}

function randomCase(rng: Rng): Case {
  const filterHeight = rng.int(1, 8);
  const filterWidth = rng.int(1, 8);
  return {
    batch: rng.int(1, 8),
    height: rng.int(filterHeight, 24),
    width: rng.int(filterWidth, 24),
    inChannels: rng.int(1, 16),
    outChannels: rng.int(1, 16),
    filterHeight,
    filterWidth,
    strides: [rng.int(1, 4), rng.int(1, 4)],
    pad: rng.chance(0.5) ? 'valid' : 'same',
  };
}


/** Runs the Conv2DBackpropFilter kernel on the current backend and returns its values. */
function filterGradient(c: Case, x: Float32Array, dy: Float32Array, dyShape: number[]): Float32Array {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, [c.batch, c.height, c.width, c.inChannels]);
    const dyt = tf.tensor(dy, dyShape);
    const result = tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, {
      strides: c.strides, pad: c.pad, dataFormat: 'NHWC',
      filterShape: [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels],
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
    assert.deepEqual(result.shape, [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels]);
    return result.dataSync() as Float32Array;
  });
}

// Sums of up to 8*24*24 products of values in [-1, 1] in float32 with a different summation order:
// absolute error grows ~sqrt(terms) * 1e-7 * |term|; 1e-4 relative to the largest |value| is ample
// and still catches any indexing mistake (which gives O(1) errors).
const TOLERANCE = 1e-4;

test('wasm Conv2DBackpropFilter matches cpu on 60 random geometries', async () => {
  const rng = Rng.fromSeed(20240501);
  for (let i = 0; i < 60; i++) {
    const c = randomCase(rng);
    const g = convGeometry([c.batch, c.height, c.width, c.inChannels], [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels], {
      strides: c.strides, pad: c.pad, dataFormat: 'NHWC',
    });
    const dyShape = [c.batch, g.outHeight, g.outWidth, c.outChannels];
    const x = randomArray(rng, c.batch * c.height * c.width * c.inChannels);
    const dy = randomArray(rng, dyShape.reduce((a, b) => a * b, 1));
    await initBackend('cpu');
    const expected = filterGradient(c, x, dy, dyShape);
    await initBackend('wasm');
    const actual = await assertNoLeak(() => filterGradient(c, x, dy, dyShape), 'wasm Conv2DBackpropFilter');
    const scale = Math.max(1, ...expected.map(Math.abs));
    let worst = 0;
    for (let j = 0; j < expected.length; j++) worst = Math.max(worst, Math.abs((actual[j] as number) - (expected[j] as number)));
    assert.ok(worst <= TOLERANCE * scale, `case ${i} ${JSON.stringify(c)}: max |diff| ${worst} > ${TOLERANCE * scale}`);
  }
});

test('im2colTransposed zero-fills padding and picks strided pixels', () => {
  // 1 image 3x3x1 with values 1..9, 2x2 filter, stride 2, 'same' padding -> out 2x2, pad bottom/right.
  const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const g = convGeometry([1, 3, 3, 1], [2, 2, 1, 1], { strides: 2, pad: 'same', dataFormat: 'NHWC' });
  const patches = new Float32Array(4 * 4).fill(NaN);
  im2colTransposed(x, g, patches);
  // Rows are (kh, kw) = (0,0), (0,1), (1,0), (1,1); columns the 4 output positions.
  assert.deepEqual([...patches], [1, 3, 7, 9, 2, 0, 8, 0, 4, 6, 0, 0, 5, 0, 0, 0]);
});

test('training through the wasm kernel gives the same gradients as cpu', async () => {
  const rng = Rng.fromSeed(7);
  const x = randomArray(rng, 2 * 20 * 20 * 3);
  const w = randomArray(rng, 4 * 4 * 3 * 5);
  const grads = async (backend: 'cpu' | 'wasm'): Promise<Float32Array> => {
    await initBackend(backend);
    return tf.tidy(() => {
      const filter = tf.tensor4d(w, [4, 4, 3, 5]);
      const input = tf.tensor4d(x, [2, 20, 20, 3]);
      const g = tf.grad((f: tf.Tensor) => tf.sum(tf.square(tf.conv2d(input, f as tf.Tensor4D, 2, 'same'))))(filter);
      return g.dataSync() as Float32Array;
    });
  };
  const expected = await grads('cpu');
  const actual = await grads('wasm');
  const scale = Math.max(...expected.map(Math.abs));
  expected.forEach((e, j) => assert.ok(Math.abs((actual[j] as number) - e) <= TOLERANCE * scale, `element ${j}`));
});
