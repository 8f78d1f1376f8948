import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { distillationLoss } from '../../../agents/distill/loss.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { Rng } from '../../../src/core/rng.ts';

await initBackend('cpu');

function randomLogits(rng: Rng, batch: number, actions: number, scale: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: batch * actions }, () => scale * rng.uniform(-1, 1)), [batch, actions]);
}

test('the distillation loss gradient in closed form matches tf.grad, at T = 1, 20 and 100', () => {
  const rng = Rng.fromSeed(7);
  for (const temperature of [1, 20, 100]) {
    const student = randomLogits(rng, 8, 6, 5);
    const teacher = randomLogits(rng, 8, 6, 50);
    const before = tf.memory().numTensors;
    const { loss, outputGradient } = distillationLoss(student, teacher, temperature);
    assert.equal(tf.memory().numTensors - before, 2, 'only the loss and the gradient are left');
    const grad = tf.grad((s: tf.Tensor) => {
      const soft = tf.softmax(tf.div(teacher, temperature));
      return tf.div(tf.neg(tf.sum(tf.mul(soft, tf.logSoftmax(tf.div(s, temperature))))), 8) as tf.Scalar;
    })(student);
    const diff = tf.max(tf.abs(tf.sub(grad, outputGradient))).dataSync()[0] as number;
    const size = tf.max(tf.abs(grad)).dataSync()[0] as number;
    assert.ok(diff <= 1e-6 * Math.max(1, size) + 1e-9, `T=${temperature}: max diff ${diff} (gradient size ${size})`);
    assert.ok(Number.isFinite(loss.dataSync()[0]));
    tf.dispose([student, teacher, loss, outputGradient, grad]);
  }
});

test('the loss is smallest when the student copies the teacher', () => {
  const teacher = tf.tensor2d([[3, 1, 0], [0, 2, 5]]);
  const same = distillationLoss(teacher, teacher, 20);
  const other = tf.tensor2d([[0, 1, 3], [5, 2, 0]]);
  const different = distillationLoss(other, teacher, 20);
  assert.ok((same.loss.dataSync()[0] as number) < (different.loss.dataSync()[0] as number));
  assert.ok((tf.max(tf.abs(same.outputGradient)).dataSync()[0] as number) < 1e-7, 'zero gradient at the optimum');
  assert.throws(() => distillationLoss(teacher, teacher, 0), /temperature must be > 0/);
  tf.dispose([teacher, other, same.loss, same.outputGradient, different.loss, different.outputGradient]);
});
