/**
 * advgym's wasm GatherV2 (kernels/gather.ts: row copies along axis 0) against the cpu backend's,
 * exactly (a gather only moves values): float32 and int32, repeated and reordered indices, 1-D and
 * 2-D index tensors, rank 1-4; gathers along other axes and with batchDims (the shipped kernel's)
 * too (batchDims 0); out-of-range indices still rejected; no tensor left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../../src/core/tensor/backend.ts';
import { Rng } from '../../../../../src/core/rng.ts';
import { assertNoLeak } from '../../../../helpers/leakCheck.ts';
import { randomArray } from './compare.ts';

interface Case {
  shape: number[];
  dtype: 'float32' | 'int32';
  indices: number[];
  indicesShape: number[];
  axis: number;
  batchDims: number;
}

function cases(): Case[] {
  const rng = Rng.fromSeed(5);
  const out: Case[] = [];
  for (const shape of [[7], [5, 3], [32, 84, 84, 4], [6, 4, 5], [4, 2, 3, 2]]) {
    for (const dtype of ['float32', 'int32'] as const) {
      const rows = shape[0] as number;
      const picked = Array.from({ length: rng.int(1, 2 * rows) }, () => rng.int(0, rows - 1));
      out.push({ shape, dtype, indices: picked, indicesShape: [picked.length], axis: 0, batchDims: 0 });
    }
  }
  out.push({ shape: [6, 4, 5], dtype: 'float32', indices: [5, 0, 0, 3, 1, 2], indicesShape: [2, 3], axis: 0, batchDims: 0 });
  out.push({ shape: [6, 4, 5], dtype: 'float32', indices: [3, 0, 1], indicesShape: [3], axis: 1, batchDims: 0 });
  out.push({ shape: [6, 4, 5], dtype: 'float32', indices: [4, 0], indicesShape: [2], axis: -1, batchDims: 0 });
  // Not batchDims 1: the shipped wasm kernel gives wrong values there (tfjs 4.22; e.g. rows 2 and 3
  // of a [3, 4, 5] gather along axis 1), and that path is left to it untouched.
  return out;
}

function gatherAll(): Array<Float32Array | Int32Array> {
  const rng = Rng.fromSeed(6);
  return cases().map((c) => tf.tidy(() => {
    const size = c.shape.reduce((a, b) => a * b, 1);
    const values = c.dtype === 'float32' ? randomArray(rng, size) : Int32Array.from(randomArray(rng, size), (v) => Math.round(v * 1000));
    const x = tf.tensor(values, c.shape, c.dtype);
    return tf.gather(x, tf.tensor(c.indices, c.indicesShape, 'int32'), c.axis, c.batchDims).dataSync() as Float32Array | Int32Array;
  }));
}

test('wasm GatherV2 equals cpu exactly, along axis 0 (row copies) and elsewhere (shipped kernel)', async () => {
  await initBackend('cpu');
  const expected = gatherAll();
  await initBackend('wasm');
  const actual = await assertNoLeak(() => gatherAll(), 'wasm GatherV2');
  cases().forEach((c, i) => assert.deepEqual(actual[i], expected[i], JSON.stringify({ ...c, indices: c.indices.length })));
});

test('wasm GatherV2 still rejects an index out of range', async () => {
  await initBackend('wasm');
  const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  for (const bad of [2, -1]) assert.throws(() => tf.gather(x, tf.tensor1d([0, bad], 'int32')), /not in \[0, 1\]/);
  x.dispose();
});
