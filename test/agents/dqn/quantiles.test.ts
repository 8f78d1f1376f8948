/**
 * QR-DQN's pieces (agents/dqn/quantiles.ts) on hand-set numbers: midpoints, the mean, the target
 * quantiles, the quantile Huber loss and its closed-form gradient (against tf.grad), and the exact
 * folding of a quantile head into a plain Q-network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  foldQuantileWeights,
  meanOfQuantiles,
  quantileHuberGradient,
  quantileHuberLoss,
  quantileHuberPerSample,
  quantileMidpoints,
  quantilesOfAction,
  quantileTargets,
  spreadQWeights,
} from '../../../agents/dqn/quantiles.ts';
import { buildQNetwork } from '../../../agents/networks.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { assertClose } from '../../src/core/tensor/kernels/compare.ts';

await initBackend('cpu');

const close = (actual: ArrayLike<number>, expected: readonly number[], what = 'values'): void => assertClose(Float32Array.from(actual), Float32Array.from(expected), what, 1e-6);

test('quantile midpoints are (2i + 1) / 2N', () => {
  close(quantileMidpoints(4), [0.125, 0.375, 0.625, 0.875]);
});

test('quantiles are laid out per action: their mean is the Q-value, and one action\'s quantiles are picked by a one-hot mask', () => {
  tf.tidy(() => {
    // 2 samples, 2 actions, 3 quantiles: action 0 then action 1.
    const quantiles = tf.tensor2d([
      [1, 2, 3, 10, 20, 30],
      [0, 0, 3, -3, 0, 0],
    ]);
    close(meanOfQuantiles(quantiles, 2).dataSync(), [2, 20, 1, -1]);
    close(quantilesOfAction(quantiles, tf.tensor2d([[0, 1], [1, 0]])).dataSync(), [10, 20, 30, 0, 0, 3]);
  });
});

test('target quantiles: r + gamma^steps * theta_j(s\', a*) with a* from the picker, reward only after termination, the shift off every quantile', () => {
  tf.tidy(() => {
    const nextQuantilesTarget = tf.tensor2d([
      [1, 3, 5, 7],
      [2, 2, 9, 9],
    ]); // 2 actions x 2 quantiles
    const inputs = {
      rewards: tf.tensor1d([1, -1]),
      dones: tf.tensor1d([0, 1]),
      steps: tf.tensor1d([2, 1]),
      gamma: 0.5,
      nextQuantilesTarget,
      // Picks action 0 for sample 0 although the target net prefers action 1 there (Double DQN).
      nextQPicker: tf.tensor2d([
        [4, 3],
        [0, 1],
      ]),
    };
    close(quantileTargets(inputs).dataSync(), [1 + 0.25 * 1, 1 + 0.25 * 3, -1, -1]);
    close(quantileTargets({ ...inputs, shift: tf.tensor1d([0.5, 2]) }).dataSync(), [0.5 + 0.25 * 1, 0.5 + 0.25 * 3, -3, -3]);
  });
});

test('quantile Huber loss: sum over quantiles i of the mean over targets j of |tau_i - 1{u < 0}| huber(u) / kappa', () => {
  tf.tidy(() => {
    // tau = [0.25, 0.75]; u_ij = target_j - theta_i = [-1, 3] for both i; huber(-1) = 0.5, huber(3) = 2.5.
    // i = 0: (0.75 * 0.5 + 0.25 * 2.5) / 2 = 0.5; i = 1: (0.25 * 0.5 + 0.75 * 2.5) / 2 = 1.
    const targets = tf.tensor2d([[0, 4], [1, 1]]);
    const predicted = tf.tensor2d([[1, 1], [1, 1]]);
    close(quantileHuberPerSample(targets, predicted, 1).dataSync(), [1.5, 0]);
    close([quantileHuberLoss(targets, predicted, 1, tf.tensor1d([1, 1])).dataSync()[0] ?? Number.NaN], [0.75]);
    close([quantileHuberLoss(targets, predicted, 1, tf.tensor1d([0.5, 1])).dataSync()[0] ?? Number.NaN], [0.375]);
    // A low quantile sitting above every target is pushed down harder than a high one would be.
    close(quantileHuberPerSample(tf.tensor2d([[0, 0]]), tf.tensor2d([[1, 1]]), 1).dataSync(), [0.75 * 0.5 + 0.25 * 0.5]);
  });
});

test('the closed-form gradient of the quantile Huber loss equals tf.grad, on both sides of kappa', () => {
  tf.tidy(() => {
    const targets = tf.randomUniform([5, 6], -3, 3, 'float32', 1) as tf.Tensor2D;
    const predicted = tf.randomUniform([5, 6], -3, 3, 'float32', 2) as tf.Tensor2D;
    const weights = tf.randomUniform([5], 0.2, 1, 'float32', 3) as tf.Tensor1D;
    for (const kappa of [1, 0.5]) {
      const byTape = tf.grad((p: tf.Tensor) => quantileHuberLoss(targets, p as tf.Tensor2D, kappa, weights))(predicted);
      const closed = quantileHuberGradient(targets, predicted, kappa, weights);
      assertClose(closed.dataSync() as Float32Array, byTape.dataSync() as Float32Array, `kappa ${kappa}`, 1e-5);
    }
  });
});

test('folding a quantile head gives a plain Q-network with exactly the mean of the quantiles; spreading a Q head starts every quantile at Q', () => {
  const shape: [number, number, number] = [24, 24, 2];
  const quantileNet = buildQNetwork(shape, 3 * 5, 1);
  const plain = buildQNetwork(shape, 3, 2);
  const x = tf.randomUniform([4, ...shape], 0, 1, 'float32', 4) as tf.Tensor4D;
  const folded = foldQuantileWeights(quantileNet.getWeights(), 3);
  plain.setWeights(folded);
  tf.tidy(() => {
    assertClose((plain.predict(x) as tf.Tensor).dataSync() as Float32Array, meanOfQuantiles(quantileNet.predict(x) as tf.Tensor2D, 3).dataSync() as Float32Array, 'folded Q', 1e-5);
  });
  const spread = spreadQWeights(plain.getWeights(), 5);
  quantileNet.setWeights(spread);
  tf.tidy(() => {
    const q = (plain.predict(x) as tf.Tensor).arraySync() as number[][];
    const quantiles = tf.reshape(quantileNet.predict(x) as tf.Tensor, [4, 3, 5]).arraySync() as number[][][];
    quantiles.forEach((row, i) => row.forEach((values, a) => close(values, new Array<number>(5).fill((q[i] as number[])[a] as number), `sample ${i} action ${a}`)));
  });
  tf.dispose([...folded, ...spread, x]);
  quantileNet.dispose();
  plain.dispose();
});
