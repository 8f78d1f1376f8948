import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { huberLoss, tdTargets } from '../../../agents/dqn/tdTargets.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { assertNoLeakSync } from '../../helpers/leakCheck.ts';

await initBackend('cpu');

const close = (actual: ArrayLike<number>, expected: number[]): void => {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs((actual[i] as number) - (expected[i] as number)) < 1e-5, `index ${i}: ${actual[i]} vs ${expected[i]}`);
};

const inputs = () => ({
  rewards: tf.tensor1d([1, 0, -1]),
  dones: tf.tensor1d([0, 1, 0]),
  // Target net: row 0 best action 2 (5); row 2 best action 0 (3).
  nextQTarget: tf.tensor2d([
    [1, 2, 5],
    [9, 9, 9],
    [3, -1, 0],
  ]),
  // Online net prefers action 1 in row 0 and action 2 in row 2.
  nextQOnline: tf.tensor2d([
    [0, 7, 1],
    [0, 0, 0],
    [0, 1, 4],
  ]),
  gamma: 0.9,
});

test('DQN target: r + gamma * max_a Q_target(s\', a), no bootstrap after termination', () => {
  tf.tidy(() => {
    const { nextQOnline: _unused, ...plain } = inputs();
    close(tdTargets(plain).dataSync(), [1 + 0.9 * 5, 0, -1 + 0.9 * 3]);
  });
});

test('Double DQN target: the online net picks the action, the target net values it', () => {
  tf.tidy(() => {
    close(tdTargets(inputs()).dataSync(), [1 + 0.9 * 2, 0, -1 + 0.9 * 0]);
  });
});

test('multi-step target: the summed reward plus gamma^steps times the bootstrap, none after termination', () => {
  tf.tidy(() => {
    const targets = tdTargets({ ...inputs(), steps: tf.tensor1d([3, 2, 1]) });
    close(targets.dataSync(), [1 + 0.9 ** 3 * 2, 0, -1 + 0.9 * 0]);
  });
});

test('advantage learning: alpha times the action\'s gap to the greedy one under Q_target(s, .) comes off its target; the greedy action\'s target is unchanged', () => {
  tf.tidy(() => {
    const qTarget = tf.tensor2d([
      [0, 1, 3],
      [2, 2, 2],
      [4, 1, 0],
    ]);
    // Row 0 took action 0 (gap 3), row 1 action 1 (ties: gap 0), row 2 action 0 (greedy: gap 0).
    const actionMask = tf.oneHot(tf.tensor1d([0, 1, 0], 'int32'), 3) as tf.Tensor2D;
    const targets = tdTargets({ ...inputs(), advantageLearning: { alpha: 0.5, qTarget, actionMask } });
    close(targets.dataSync(), [1 + 0.9 * 2 - 0.5 * 3, 0, -1 + 0.9 * 0]);
    const off = tdTargets({ ...inputs(), advantageLearning: { alpha: 0, qTarget, actionMask } });
    close(off.dataSync(), [1 + 0.9 * 2, 0, -1 + 0.9 * 0]);
  });
});

test('Huber loss: quadratic inside delta, linear outside, batch mean', () => {
  tf.tidy(() => {
    const loss = huberLoss(tf.tensor1d([0, 0, 0]), tf.tensor1d([0.5, -2, 3]), 1);
    // 0.5*0.25 = 0.125; |2| -> 0.5 + 1 = 1.5; |3| -> 0.5 + 2 = 2.5; mean = 4.125 / 3
    close(loss.dataSync(), [4.125 / 3]);
  });
});

test('tdTargets and huberLoss leave no tensors behind', () => {
  const made = inputs();
  assertNoLeakSync(() => {
    tdTargets(made).dispose();
    huberLoss(made.rewards, made.dones, 1).dispose();
  });
  tf.dispose([made.rewards, made.dones, made.nextQTarget, made.nextQOnline]);
});
