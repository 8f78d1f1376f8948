import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { SharedParams, clipScale, parameterCount, readFlatWeights, writeFlatWeights } from '../../../agents/a3c/sharedParams.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { assertNoLeakSync } from '../../helpers/leakCheck.ts';

before(async () => {
  await initBackend('cpu');
});

test('applyGradient is one shared-RMSProp step: g = a g + (1-a) d^2, theta -= lr d / sqrt(g + eps)', () => {
  const shared = SharedParams.allocate(2);
  shared.theta.set([1, -1]);
  shared.meanSquare.set([0.5, 0]);
  const staleness = shared.applyGradient(Float32Array.from([2, -1]), 1, 0.1, 0.9, 0.1, 0);
  // g0 = 0.9*0.5 + 0.1*4 = 0.85, theta0 = 1 - 0.1*2/sqrt(0.95); g1 = 0.1, theta1 = -1 + 0.1/sqrt(0.2)
  assert.ok(Math.abs((shared.meanSquare[0] as number) - 0.85) < 1e-6);
  assert.ok(Math.abs((shared.meanSquare[1] as number) - 0.1) < 1e-6);
  assert.ok(Math.abs((shared.theta[0] as number) - (1 - 0.2 / Math.sqrt(0.95))) < 1e-6);
  assert.ok(Math.abs((shared.theta[1] as number) - (-1 + 0.1 / Math.sqrt(0.2))) < 1e-6);
  assert.equal(staleness, 0);
  assert.equal(shared.updates(), 1);
});

test('staleness counts the updates that landed between a read and the write', () => {
  const shared = SharedParams.allocate(1);
  const readVersion = shared.updates();
  shared.applyGradient(Float32Array.from([1]), 1, 0.01, 0.99, 0.1, readVersion);
  shared.applyGradient(Float32Array.from([1]), 1, 0.01, 0.99, 0.1, readVersion);
  // The second write read version 0 but landed after update 1: staleness 1; mean (0 + 1) / 2.
  assert.equal(shared.meanStaleness(), 0.5);
});

test('a gradient over the global l2 norm bound is scaled down before the step', () => {
  assert.equal(clipScale(5, 10), 1);
  assert.ok(Math.abs(clipScale(50, 5) - 0.1) < 1e-12);
  const clipped = SharedParams.allocate(2);
  clipped.applyGradient(Float32Array.from([30, 40]), clipScale(50, 5), 0.1, 0.5, 0.1, 0);
  const scaled = SharedParams.allocate(2);
  scaled.applyGradient(Float32Array.from([3, 4]), 1, 0.1, 0.5, 0.1, 0);
  assert.deepEqual(Array.from(clipped.theta), Array.from(scaled.theta));
});

test('the global step counter carries past 2^30 without losing steps', () => {
  const shared = SharedParams.allocate(1);
  shared.setGlobalSteps(2 ** 30 - 3);
  assert.equal(shared.addSteps(5), 2 ** 30 + 2);
  shared.setGlobalSteps(5 * 2 ** 30 + 7);
  assert.equal(shared.globalSteps(), 5 * 2 ** 30 + 7);
});

test('flat weights round-trip through a model in trainableWeights order, without leaks', () => {
  const input = tfl.input({ shape: [3] });
  const output = tfl.layers.dense({ units: 2 }).apply(input) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  assert.equal(parameterCount(model), 8);
  const flat = Float32Array.from({ length: 8 }, (_, i) => i / 10);
  assertNoLeakSync(() => writeFlatWeights(model, flat), 'writeFlatWeights');
  assert.deepEqual(Array.from(readFlatWeights(model)), Array.from(flat));
  // kernel [3, 2] first, then bias [2]
  assert.deepEqual(Array.from(model.getWeights()[1]?.dataSync() ?? []), [Math.fround(0.6), Math.fround(0.7)]);
  assert.throws(() => writeFlatWeights(model, new Float32Array(9)), RangeError);
  const before = tf.memory().numTensors;
  model.dispose();
  assert.equal(tf.memory().numTensors, before - 2);
});
