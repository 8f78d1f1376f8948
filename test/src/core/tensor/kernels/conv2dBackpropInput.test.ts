/**
 * advgym's wasm Conv2DBackpropInput against the cpu backend's, on random geometries: strides 1-4
 * (equal strides take the sub-pixel convolution, unequal ones or wasteful filters the matMul +
 * col2im path), 'valid', 'same' and numeric padding, batch 1-8, channels 1-16, NHWC; and the DQN
 * nets' own layers with weights that change between calls (the sub-pixel filter is cached per
 * weight data). Tolerance: see compare.ts (1e-4 relative to the largest |value|).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../../../../../src/core/tensor/backend.ts';
import { convGeometry } from '../../../../../src/core/tensor/kernels/conv2dBackpropFilter.ts';
import { depthToSpaceCopies, depthToSpaceCrop, subPixelPlan } from '../../../../../src/core/tensor/kernels/conv2dBackpropInput.ts';
import { copyBlocks } from '../../../../../src/core/tensor/kernels/stridedCopy.ts';
import { derivedWeightCount } from '../../../../../src/core/tensor/kernels/derivedWeights.ts';
import { Rng } from '../../../../../src/core/rng.ts';
import { assertNoLeak } from '../../../../helpers/leakCheck.ts';
import { assertClose, randomArray } from './compare.ts';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | number;

function backpropInput(dy: Float32Array, dyShape: number[], filter: Float32Array, filterShape: Shape4, inputShape: Shape4, strides: [number, number], pad: Pad): Float32Array {
  return tf.tidy(() => {
    const result = tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dy, dyShape), filter: tf.tensor(filter, filterShape) }, {
      strides, pad, dataFormat: 'NHWC', inputShape,
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
    return result.dataSync() as Float32Array;
  });
}

async function compareWithCpu(rng: Rng, inputShape: Shape4, filterShape: Shape4, strides: [number, number], pad: Pad, what: string): Promise<void> {
  const g = convGeometry(inputShape, filterShape, { strides, pad, dataFormat: 'NHWC' });
  const dyShape = [inputShape[0], g.outHeight, g.outWidth, filterShape[3]];
  const dy = randomArray(rng, dyShape.reduce((a, b) => a * b, 1));
  const filter = randomArray(rng, filterShape.reduce((a, b) => a * b, 1));
  await initBackend('cpu');
  const expected = backpropInput(dy, dyShape, filter, filterShape, inputShape, strides, pad);
  await initBackend('wasm');
  const actual = await assertNoLeak(() => backpropInput(dy, dyShape, filter, filterShape, inputShape, strides, pad), 'wasm Conv2DBackpropInput');
  assertClose(actual, expected, `${what} ${JSON.stringify({ inputShape, filterShape, strides, pad })}`);
}

test('wasm Conv2DBackpropInput matches cpu on 100 random geometries, through both of its paths', async () => {
  const rng = Rng.fromSeed(99);
  let subPixel = 0;
  for (let i = 0; i < 100; i++) {
    const fh = rng.int(1, 8);
    const fw = rng.int(1, 8);
    const inputShape: Shape4 = [rng.int(1, 8), rng.int(fh, 24), rng.int(fw, 24), rng.int(1, 16)];
    const filterShape: Shape4 = [fh, fw, inputShape[3], rng.int(1, 16)];
    const stride = rng.int(1, 4);
    const strides: [number, number] = rng.chance(0.7) ? [stride, stride] : [rng.int(1, 4), rng.int(1, 4)];
    const pad: Pad = rng.pick(['valid', 'same', 'valid', 'same', rng.int(0, 3)]);
    if (subPixelPlan(convGeometry(inputShape, filterShape, { strides, pad, dataFormat: 'NHWC' })) !== undefined) subPixel++;
    await compareWithCpu(rng, inputShape, filterShape, strides, pad, `case ${i}`);
  }
  assert.ok(subPixel >= 30 && subPixel <= 80, `both paths exercised (${subPixel} of 100 sub-pixel)`);
});

test('the sub-pixel form is used for equal strides unless padding the filter would more than double the work', () => {
  const plan = (filter: number, stride: [number, number], size = 84): ReturnType<typeof subPixelPlan> =>
    subPixelPlan(convGeometry([1, size, size, 4], [filter, filter, 4, 8], { strides: stride, pad: 'valid', dataFormat: 'NHWC' }));
  assert.deepEqual(plan(8, [4, 4]), { stride: 4, tapsHeight: 2, tapsWidth: 2, extraRows: 1, extraCols: 1 }); // DQN conv1
  assert.deepEqual(plan(4, [2, 2], 20), { stride: 2, tapsHeight: 2, tapsWidth: 2, extraRows: 1, extraCols: 1 }); // DQN conv2
  assert.equal(plan(3, [1, 1], 7)?.tapsHeight, 3); // Nature conv3: a plain stride-1 convolution
  assert.equal(plan(4, [2, 1]), undefined); // depth-to-space needs one block size
  assert.equal(plan(1, [4, 4]), undefined); // 16 phases for 1 tap: 16x the work
});

test('DQN layers: the cached sub-pixel filter follows the weights as they change', async () => {
  const rng = Rng.fromSeed(7);
  const layers: Array<[Shape4, Shape4, [number, number]]> = [
    [[1, 84, 84, 4], [8, 8, 4, 16], [4, 4]],
    [[3, 20, 20, 16], [4, 4, 16, 32], [2, 2]],
    [[2, 7, 7, 64], [3, 3, 64, 64], [1, 1]],
  ];
  for (const [inputShape, filterShape, strides] of layers) {
    const g = convGeometry(inputShape, filterShape, { strides, pad: 'valid', dataFormat: 'NHWC' });
    const dyShape = [inputShape[0], g.outHeight, g.outWidth, filterShape[3]];
    const dys = [0, 1, 2].map(() => randomArray(rng, dyShape.reduce((a, b) => a * b, 1)));
    const filters = [0, 1, 2].map(() => randomArray(rng, filterShape.reduce((a, b) => a * b, 1)));
    // Variables as training holds weights: two live filters of one shape used in turn (online and
    // target nets), several calls each, then an update of one.
    const run = (variable: tf.Variable): Float32Array[] => dys.map((dy) => tf.tidy(() => {
      const result = tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dy, dyShape), filter: variable }, {
        strides, pad: 'valid', dataFormat: 'NHWC', inputShape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return result.dataSync() as Float32Array;
    }));
    const both = (): Float32Array[][] => {
      const [variable, other] = [0, 2].map((v) => tf.tidy(() => tf.variable(tf.tensor(filters[v] as Float32Array, filterShape)))) as [tf.Variable, tf.Variable];
      const results = [run(variable), run(other), run(variable)];
      tf.tidy(() => variable.assign(tf.tensor(filters[1] as Float32Array, filterShape)));
      results.push(run(variable), run(other));
      tf.dispose([variable, other]);
      return results;
    };
    await initBackend('cpu');
    const expected = both();
    await initBackend('wasm');
    const actual = both();
    actual.forEach((results, version) => results.forEach((r, i) => assertClose(r, expected[version]?.[i] as Float32Array, `${JSON.stringify(filterShape)} call ${version} dy ${i}`)));
    assert.equal(derivedWeightCount(tf.backend() as BackendWasm), 0, 'derived filters are freed with their weights');
  }
});

test('the depth-to-space copies write every input-gradient element exactly once, from its phase block', () => {
  const rng = Rng.fromSeed(31);
  let cases = 0;
  for (let i = 0; cases < 60 && i < 2000; i++) {
    const s = rng.int(1, 6);
    const f = rng.int(1, 8);
    const inputShape: Shape4 = [rng.int(1, 3), rng.int(f, 30), rng.int(f, 30), rng.int(1, 5)];
    const pad: Pad = rng.pick(['valid', 'same', rng.int(0, 3)]);
    const g = convGeometry(inputShape, [f, f, inputShape[3], 2], { strides: [s, s], pad, dataFormat: 'NHWC' });
    const plan = subPixelPlan(g);
    if (plan === undefined || g.outHeight < 1 || g.outWidth < 1) continue;
    cases++;
    const rowsY = g.outHeight + plan.extraRows;
    const colsY = g.outWidth + plan.extraCols;
    const c = g.inChannels;
    const y = Float32Array.from({ length: g.batch * rowsY * colsY * s * s * c }, (_, k) => k);
    // The reference: dx[n, ih, iw, ch] = y[n, p, q, r, r', ch] with ih + padTop = p*s + r, iw + padLeft = q*s + r'.
    const expected = new Float32Array(g.batch * g.inHeight * g.inWidth * c);
    let e = 0;
    for (let n = 0; n < g.batch; n++) {
      for (let ih = 0; ih < g.inHeight; ih++) {
        for (let iw = 0; iw < g.inWidth; iw++) {
          const [p, r] = [Math.floor((ih + g.padTop) / s), (ih + g.padTop) % s];
          const [q, r2] = [Math.floor((iw + g.padLeft) / s), (iw + g.padLeft) % s];
          for (let ch = 0; ch < c; ch++) expected[e++] = y[(((n * rowsY + p) * colsY + q) * s * s + r * s + r2) * c + ch] as number;
        }
      }
    }
    const written = new Uint8Array(expected.length);
    const dx = new Float32Array(expected.length).fill(Number.NaN);
    depthToSpaceCrop(y, g, plan, dx, (copy) => {
      const marks = new Float32Array(expected.length);
      copyBlocks(new Float32Array(y.length).fill(1), marks, copy);
      marks.forEach((m, k) => (written[k] = (written[k] as number) + m));
      copyBlocks(y, dx, copy);
    });
    const what = JSON.stringify({ inputShape, f, s, pad, copies: depthToSpaceCopies(g, plan).length });
    assert.ok(written.every((w) => w === 1), `${what}: every element written once`);
    assert.deepEqual(dx, expected, what);
  }
  assert.equal(cases, 60);
});
