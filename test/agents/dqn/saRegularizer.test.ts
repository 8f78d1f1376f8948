import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { saHinge } from '../../../agents/dqn/saRegularizer.ts';
import { assertNoLeakSync } from '../../helpers/leakCheck.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { Rng } from '../../../src/core/rng.ts';

await initBackend('cpu');

/** The penalty written with tf ops, for tf.grad to differentiate. */
function reference(qClean: Float32Array, qAdversarial: tf.Tensor2D, margin: number, kappa: number): tf.Scalar {
  const [batch, actions] = qAdversarial.shape;
  const greedy = tf.oneHot(tf.argMax(tf.tensor2d(qClean, [batch, actions]), 1), actions);
  const onGreedy = tf.sum(tf.mul(qAdversarial, greedy), 1);
  const rival = tf.max(tf.sub(qAdversarial, tf.mul(greedy, 1e9)), 1);
  return tf.mul(kappa, tf.mean(tf.relu(tf.add(tf.sub(rival, onGreedy), margin)))) as tf.Scalar;
}

test('the SA hinge and its closed-form output gradient match tf.grad of the same penalty', () => {
  const rng = Rng.fromSeed(3);
  const batch = 16;
  const actions = 4;
  const qClean = Float32Array.from({ length: batch * actions }, () => rng.uniform(-1, 1));
  const qAdv = tf.tensor2d(Float32Array.from({ length: batch * actions }, () => rng.uniform(-1, 1)), [batch, actions]);
  const { loss, outputGradient, activeRows } = saHinge(qClean, qAdv, 0.1, 0.5);
  assert.ok(activeRows > 0 && activeRows < batch, `a mix of active and inactive rows (${activeRows})`);
  const expected = reference(qClean, qAdv, 0.1, 0.5);
  assert.ok(Math.abs((loss.dataSync()[0] as number) - (expected.dataSync()[0] as number)) < 1e-6);
  const grad = tf.grad((q: tf.Tensor) => reference(qClean, q as tf.Tensor2D, 0.1, 0.5))(qAdv);
  const diff = tf.max(tf.abs(tf.sub(grad, outputGradient))).dataSync()[0] as number;
  assert.ok(diff < 1e-7, `max |closed form - tf.grad| = ${diff}`);
  tf.dispose([qAdv, loss, outputGradient, expected, grad]);
});

test('no penalty when the greedy action wins by more than the margin at the worst state', () => {
  const qClean = new Float32Array([1, 0, 0, 0, 1, 0]);
  const qAdv = tf.tensor2d([2, 0.5, 0, 0, 3, 1], [2, 3]);
  const result = assertNoLeakSync(() => {
    const r = saHinge(qClean, qAdv, 1, 1);
    const values = { loss: r.loss.dataSync()[0], gradient: Array.from(r.outputGradient.dataSync()), active: r.activeRows };
    tf.dispose([r.loss, r.outputGradient]);
    return values;
  }, 'saHinge');
  assert.deepEqual(result, { loss: 0, gradient: [0, 0, 0, 0, 0, 0], active: 0 });
  // Margin 2: row 0's rival (0.5) is 1.5 below its greedy value, inside the margin (hinge 0.5);
  // row 1's rival (1) is 2 below, exactly at the margin (hinge 0, inactive).
  const active = saHinge(qClean, qAdv, 2, 1);
  assert.equal(active.activeRows, 1);
  assert.ok(Math.abs((active.loss.dataSync()[0] as number) - 0.5 / 2) < 1e-7);
  assert.deepEqual(Array.from(active.outputGradient.dataSync()), [-0.5, 0.5, 0, 0, 0, 0]);
  tf.dispose([qAdv, active.loss, active.outputGradient]);
});
