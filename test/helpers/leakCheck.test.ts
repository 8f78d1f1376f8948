import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { assertNoGrowth, assertNoLeak, assertNoLeakSync } from './leakCheck.ts';

test('assertNoLeak passes for tidy code and fails for a leak', async () => {
  await tf.setBackend('cpu');
  await assertNoLeak(() => tf.tidy(() => tf.add(tf.ones([2]), 1).dataSync()));
  let leaked: tf.Tensor | undefined;
  await assert.rejects(assertNoLeak(() => { leaked = tf.ones([2]); }), /leaked 1 tensor/);
  leaked?.dispose();
  assert.throws(() => assertNoLeakSync(() => { leaked = tf.zeros([1]); }), /leaked 1/);
  leaked?.dispose();
});

test('assertNoGrowth allows first-step state but catches per-step leaks', async () => {
  const kept: tf.Tensor[] = [];
  await assertNoGrowth((i) => { if (i === 0) kept.push(tf.ones([1])); });
  await assert.rejects(assertNoGrowth(() => { kept.push(tf.ones([1])); }), /grew by 4/);
  tf.dispose(kept);
});
