import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { attackDirection, attackLoss, greedyLabels, lossAndDirection } from '../../../../src/lab/adversary/gradient.ts';
import { LayersPolicy } from '../../../../agents/layersPolicy.ts';
import { assertNoLeakSync } from '../../../helpers/leakCheck.ts';

before(async () => {
  await initBackend('cpu');
});

// A small nonlinear conv net, so the closed-form loss gradient is checked through real layers.
function smallNet(): LayersPolicy {
  return new LayersPolicy(
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [6, 6, 3], filters: 4, kernelSize: 3, strides: 1, activation: 'relu', kernelInitializer: tfl.initializers.glorotNormal({ seed: 3 }) }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 5, kernelInitializer: tfl.initializers.glorotNormal({ seed: 4 }) }),
      ],
    }),
  );
}

/** The reference: tfjs' own softmaxCrossEntropy (SUM over the batch), differentiated by tf.grad. */
function referenceGradient(policy: LayersPolicy, obs: tf.Tensor4D, labels: tf.Tensor1D): tf.Tensor4D {
  const oneHot = tf.oneHot(labels, policy.actionCount);
  return tf.grad((x: tf.Tensor) => tf.losses.softmaxCrossEntropy(oneHot, policy.logits(x as tf.Tensor4D), undefined, undefined, tf.Reduction.SUM))(obs) as tf.Tensor4D;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? NaN);
}

test('the lean cross-entropy gradient equals tf.losses.softmaxCrossEntropy for own, fixed and target labels', () => {
  const policy = smallNet();
  const obs = tf.randomUniform([3, 6, 6, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
  tf.tidy(() => {
    const own = greedyLabels(policy, obs);
    const scale = tf.max(tf.abs(referenceGradient(policy, obs, own))).dataSync()[0] ?? 0;
    assert.ok(scale > 1e-4, 'the test network has a non-trivial gradient');
    // untargeted: per-sample argmax labels read inside the gradient's own forward pass
    assert.ok(maxAbsDiff(attackDirection(policy, obs), referenceGradient(policy, obs, own)) < 1e-6 * Math.max(1, scale));
    // fixed labels (PGD's clean actions), here deliberately not the argmax
    const other = tf.tensor1d([1, 4, 0], 'int32');
    assert.ok(maxAbsDiff(attackDirection(policy, obs, undefined, other), referenceGradient(policy, obs, other)) < 1e-6);
    // targeted: the negative gradient of CE(target), the same target for every row
    const target = tf.tensor1d([2, 2, 2], 'int32');
    assert.ok(maxAbsDiff(attackDirection(policy, obs, 2), tf.neg(referenceGradient(policy, obs, target))) < 1e-6);
  });
  assertNoLeakSync(() => attackDirection(policy, obs).dispose(), 'attackDirection');
  obs.dispose();
  policy.model.dispose();
});

test('the attack loss is CE(label) untargeted and -CE(target) targeted, from both the gradient pass and the forward-only pass', () => {
  const policy = smallNet();
  const obs = tf.randomUniform([3, 6, 6, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
  tf.tidy(() => {
    const ce = (labels: tf.Tensor1D): number[] =>
      Array.from(tf.losses.softmaxCrossEntropy(tf.oneHot(labels, policy.actionCount), policy.logits(obs), undefined, undefined, tf.Reduction.NONE).dataSync());
    const near = (actual: tf.Tensor1D, expected: number[], what: string): void =>
      Array.from(actual.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - (expected[i] ?? NaN)) < 1e-5, `${what} row ${i}: ${v} vs ${expected[i]}`));
    const own = greedyLabels(policy, obs);
    near(lossAndDirection(policy, obs).loss, ce(own), 'own labels');
    near(attackLoss(policy, obs), ce(own), 'own labels, forward only');
    const other = tf.tensor1d([1, 4, 0], 'int32');
    near(lossAndDirection(policy, obs, undefined, other).loss, ce(other), 'fixed labels');
    near(attackLoss(policy, obs, undefined, other), ce(other), 'fixed labels, forward only');
    const target = tf.tensor1d([2, 2, 2], 'int32');
    near(lossAndDirection(policy, obs, 2).loss, ce(target).map((v) => -v), 'targeted');
    near(attackLoss(policy, obs, 2), ce(target).map((v) => -v), 'targeted, forward only');
  });
  assertNoLeakSync(() => {
    const { loss, direction } = lossAndDirection(policy, obs, 1);
    tf.dispose([loss, direction]);
    attackLoss(policy, obs).dispose();
  }, 'lossAndDirection and attackLoss');
  obs.dispose();
  policy.model.dispose();
});
