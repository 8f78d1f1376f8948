/**
 * The defensive-distillation loss (Papernot et al. 2016, "Distillation as a Defense to Adversarial
 * Perturbations against Deep Neural Networks"): the student is trained at temperature T on the
 * teacher's soft labels softmax(teacher / T),
 *
 *   loss = mean over the batch of  -sum_a softmax(teacher / T)_a * log softmax(student / T)_a,
 *
 * and deployed at T = 1 (its raw logits). A high T during training makes the deployed student's
 * logits large, its softmax saturated, and the cross-entropy gradient an attacker reads vanish:
 * the gradient masking that Carlini & Wagner's logit-margin loss sees through.
 *
 * Teacher logits are Q-values (DQN) or policy logits (A3C): both are "logits" of a softmax policy
 * for Huang et al.'s attacks, so both distil the same way. The gradient with respect to the student
 * logits is given in closed form, (softmax(student / T) - softmax(teacher / T)) / (T * batch), for
 * fused backward passes; the test checks it against tf.grad. No T^2 factor (Hinton et al. 2015 add
 * one to mix hard and soft losses; with soft labels only it just rescales the learning rate).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface DistillationLoss {
  readonly loss: tf.Scalar;
  /** d loss / d studentLogits, [batch, actions]. */
  readonly outputGradient: tf.Tensor2D;
}

export function distillationLoss(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, temperature: number): DistillationLoss {
  if (!(Number.isFinite(temperature) && temperature > 0)) throw new Error(`distillationLoss: temperature must be > 0, got ${temperature}`);
  return tf.tidy(() => {
    const batch = studentLogits.shape[0];
    const soft = tf.softmax(tf.div(teacherLogits, temperature));
    const logStudent = tf.logSoftmax(tf.div(studentLogits, temperature));
    const loss = tf.div(tf.neg(tf.sum(tf.mul(soft, logStudent))), batch) as tf.Scalar;
    const outputGradient = tf.div(tf.sub(tf.exp(logStudent), soft), temperature * batch) as tf.Tensor2D;
    return { loss, outputGradient };
  });
}
