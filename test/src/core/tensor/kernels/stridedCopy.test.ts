/**
 * The WebAssembly strided block copy (src/core/tensor/kernels/stridedCopy.ts) against its JS loop on
 * random copies in the wasm backend's heap, bit for bit; and its bounds check, which must stop
 * a copy that would run past the views (the heap function itself would write into other tensors'
 * data).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../../../../../src/core/tensor/backend.ts';
import { copyBlocks, heapBlockCopier, type BlockCopy } from '../../../../../src/core/tensor/kernels/stridedCopy.ts';
import { Rng } from '../../../../../src/core/rng.ts';
import { randomArray } from './compare.ts';

/** A random in-bounds copy within a src of `srcSize` and a dst of `dstSize` elements, or undefined if it does not fit. */
function randomCopy(rng: Rng, srcSize: number, dstSize: number): BlockCopy | undefined {
  const [blocks, planes, rows, cols] = [rng.int(1, 4), rng.int(1, 4), rng.int(1, 6), rng.int(1, 9)];
  const srcColStride = rng.int(0, 5);
  const srcRowStride = rng.int(0, 40);
  const srcPlaneStride = rng.int(0, 7);
  const srcBlockStride = rng.int(0, 200);
  const dstRowStride = cols + rng.int(0, 3);
  const dstPlaneStride = rows * dstRowStride + rng.int(0, 5);
  const dstBlockStride = planes * dstPlaneStride + rng.int(0, 5);
  const srcSpan = (blocks - 1) * srcBlockStride + (planes - 1) * srcPlaneStride + (rows - 1) * srcRowStride + (cols - 1) * srcColStride + 1;
  const dstSpan = (blocks - 1) * dstBlockStride + (planes - 1) * dstPlaneStride + (rows - 1) * dstRowStride + cols;
  if (srcSpan > srcSize || dstSpan > dstSize) return undefined;
  return {
    blocks, planes, rows, cols,
    srcStart: rng.int(0, srcSize - srcSpan), srcBlockStride, srcPlaneStride, srcRowStride, srcColStride,
    dstStart: rng.int(0, dstSize - dstSpan), dstBlockStride, dstPlaneStride, dstRowStride,
  };
}

test('the heap copy equals the JS copy, word for word', async () => {
  await initBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  const rng = Rng.fromSeed(9);
  const values = randomArray(rng, 1500);
  const src = tf.tensor1d(values);
  const dst = tf.zeros([2000]);
  let tested = 0;
  for (let i = 0; i < 200; i++) {
    const srcView = backend.typedArrayFromHeap(src) as Float32Array;
    const dstView = backend.typedArrayFromHeap(dst) as Float32Array;
    const c = randomCopy(rng, srcView.length, dstView.length);
    if (c === undefined) continue;
    const expected = new Float32Array(dstView.length);
    copyBlocks(srcView, expected, c);
    dstView.fill(0);
    const copy = heapBlockCopier(backend, srcView, dstView) ?? assert.fail('the heap copy runs on this Node');
    copy(c);
    assert.deepEqual(new Uint32Array(dstView.slice().buffer), new Uint32Array(expected.buffer), JSON.stringify(c));
    tested++;
  }
  assert.ok(tested > 100, `${tested} copies tested`);
  tf.dispose([src, dst]);
});

test('the heap copy refuses copies past its views and arrays outside the heap', async () => {
  await initBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  const [src, dst] = [tf.ones([64]), tf.zeros([64])];
  const [srcView, dstView] = [src, dst].map((t) => backend.typedArrayFromHeap(t) as Float32Array) as [Float32Array, Float32Array];
  const copy = heapBlockCopier(backend, srcView, dstView) ?? assert.fail('the heap copy runs on this Node');
  const base: BlockCopy = { blocks: 1, planes: 1, rows: 8, cols: 8, srcStart: 0, srcBlockStride: 0, srcPlaneStride: 0, srcRowStride: 8, srcColStride: 1, dstStart: 0, dstBlockStride: 0, dstPlaneStride: 0, dstRowStride: 8 };
  assert.throws(() => copy({ ...base, dstStart: 1 }), /out of bounds/);
  assert.throws(() => copy({ ...base, srcColStride: 2 }), /out of bounds/);
  assert.throws(() => copy({ ...base, srcStart: -1 }), /out of bounds/);
  assert.ok(dstView.every((x) => x === 0), 'nothing written');
  copy(base);
  assert.ok(dstView.every((x) => x === 1), 'the in-bounds copy fills dst');
  assert.equal(heapBlockCopier(backend, new Float32Array(64), dstView), undefined);
  tf.dispose([src, dst]);
});
