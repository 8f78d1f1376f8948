import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { argmax } from '../../agents/policy.ts';
import { Rng } from '../../src/core/rng.ts';
import { initBackend } from '../../src/core/tensor/backend.ts';

before(async () => {
  await initBackend('cpu');
});

test('argmax picks the action tf.argMax picks, the first of tied maxima included', () => {
  const rng = Rng.fromSeed(3);
  // Coarse values (0, 0.5, 1) make ties common, so the tie rule is exercised, not just the maximum.
  const rows = Array.from({ length: 200 }, () => Array.from({ length: 4 }, () => rng.int(0, 2) / 2));
  const expected = tf.tidy(() => Array.from(tf.argMax(tf.tensor2d(rows), 1).dataSync()));
  assert.deepEqual(rows.map((row) => argmax(Float32Array.from(row))), expected);
  assert.equal(argmax([0.2, 0.9, 0.9]), 1, 'first of two tied maxima');
  assert.equal(argmax([-3, -1, -2]), 1, 'negative values (Q-values can be negative)');
});
