/**
 * advgym's wasm Sign, Maximum and Minimum (kernels/elementwise.ts) against the shipped wasm kernels
 * they replace, bit for bit (Object.is per element, so NaN and signed zeros count): random values
 * mixed with the edge cases (NaN, +-0, +-Infinity, subnormals, values around FLT_EPSILON, where the
 * shipped Sign switches from 0 to +-1), lengths that exercise both the 4-lane loop and its tail;
 * broadcasting and int32 calls still reach the shipped kernel; no tensor is left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../../src/core/tensor/backend.ts';
import { shippedWasmKernel } from '../../../../../src/core/tensor/kernels/elementwise.ts';
import { Rng } from '../../../../../src/core/rng.ts';
import { assertNoLeak } from '../../../../helpers/leakCheck.ts';

const EPS = 2 ** -23;
const EDGES = [NaN, 0, -0, Infinity, -Infinity, 1e-45, -1e-45, 1e-40, -1e-40, EPS, -EPS, EPS * 0.99, -EPS * 0.99, EPS * 1.01, -EPS * 1.01, 1, -1, 0.5, -0.5];

/** Random values in [-1, 1] with a quarter of the entries drawn from EDGES, rounded to float32. */
function values(rng: Rng, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.chance(0.25) ? (rng.pick(EDGES) as number) : rng.uniform(-1, 1);
  return out;
}

/** Runs a kernel (ours: whatever is registered; or the shipped one) and reads the result. */
function run(name: string, inputs: Record<string, tf.Tensor>, shipped: boolean): { data: Float32Array | Int32Array; shape: number[]; dtype: string } {
  return tf.tidy(() => {
    let result: tf.Tensor;
    if (shipped) {
      const kernel = shippedWasmKernel(name);
      if (kernel === undefined) throw new Error(`no shipped ${name}`);
      const info = kernel({ inputs, backend: tf.backend(), attrs: {} }) as tf.TensorInfo;
      result = tf.engine().makeTensorFromTensorInfo(info);
    } else {
      result = tf.engine().runKernel(name, inputs) as tf.Tensor;
    }
    return { data: result.dataSync() as Float32Array | Int32Array, shape: result.shape, dtype: result.dtype };
  });
}

function assertSame(name: string, inputs: Record<string, tf.Tensor>, what: string): void {
  const ours = run(name, inputs, false);
  const theirs = run(name, inputs, true);
  assert.deepEqual(ours.shape, theirs.shape, `${what}: shape`);
  assert.equal(ours.dtype, theirs.dtype, `${what}: dtype`);
  for (let i = 0; i < theirs.data.length; i++) {
    assert.ok(Object.is(ours.data[i], theirs.data[i]), `${what}: element ${i}: ours ${ours.data[i]}, shipped ${theirs.data[i]}`);
  }
}

test('wasm Sign, Maximum and Minimum equal the shipped kernels bit for bit, edge values included', async () => {
  await initBackend('wasm');
  for (const name of ['Sign', 'Maximum', 'Minimum']) {
    assert.notEqual(tf.getKernel(name, 'wasm')?.kernelFunc, shippedWasmKernel(name), `advgym's ${name} is the one registered`);
  }
  const rng = Rng.fromSeed(28);
  const shapes: number[][] = [[1], [3], [4], [7], [2, 9], [5, 4, 3], [32, 84, 84, 4]];
  await assertNoLeak(() => {
    for (const shape of shapes) {
      const size = shape.reduce((a, b) => a * b, 1);
      const [a, b] = [tf.tensor(values(rng, size), shape), tf.tensor(values(rng, size), shape)];
      assertSame('Sign', { x: a }, `Sign ${JSON.stringify(shape)}`);
      assertSame('Maximum', { a, b }, `Maximum ${JSON.stringify(shape)}`);
      assertSame('Minimum', { a, b }, `Minimum ${JSON.stringify(shape)}`);
      tf.dispose([a, b]);
    }
    // Every pairing of the edge values, both ways round.
    const left = tf.tensor1d(EDGES.flatMap((e) => EDGES.map(() => e)));
    const right = tf.tensor1d(EDGES.flatMap(() => EDGES));
    assertSame('Maximum', { a: left, b: right }, 'Maximum edge pairs');
    assertSame('Minimum', { a: left, b: right }, 'Minimum edge pairs');
    assertSame('Sign', { x: left }, 'Sign edges');
    tf.dispose([left, right]);
  }, 'elementwise kernels');
});

test('broadcasting and int32 calls reach the shipped kernels (same results as calling them directly)', async () => {
  await initBackend('wasm');
  const rng = Rng.fromSeed(29);
  await assertNoLeak(() => {
    const cases = [
      [tf.tensor(values(rng, 24), [2, 3, 4]), tf.scalar(0.25)],
      [tf.tensor(values(rng, 6), [2, 3, 1]), tf.tensor(values(rng, 4), [1, 1, 4])],
      [tf.tensor(values(rng, 4), [4]), tf.tensor(values(rng, 8), [2, 4])],
      [tf.tensor1d([3, -2, 0, 7], 'int32'), tf.tensor1d([1, -5, 0, 9], 'int32')],
    ] as const;
    cases.forEach(([a, b], i) => {
      assertSame('Maximum', { a, b }, `Maximum case ${i}`);
      assertSame('Minimum', { a, b }, `Minimum case ${i}`);
      assertSame('Sign', { x: a }, `Sign case ${i}`);
    });
    tf.dispose(cases.flat());
  }, 'broadcast and int32 calls');
});
