/**
 * The FGSM loss gradient (Huang et al. 2017): cross-entropy between softmax(logits) and a label,
 * differentiated with respect to the observation. Returns the direction that HELPS the attack:
 * untargeted, +grad of CE(own argmax action) (push away from it); targeted, -grad of CE(target).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../../agents/policy.ts';

/** The policy's greedy actions: the labels an untargeted attack pushes away from. */
export function greedyLabels(policy: Policy, obs: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.argMax(policy.logits(obs), 1) as tf.Tensor1D);
}

/**
 * `awayFrom` fixes the untargeted labels (PGD keeps the clean observation's actions for every
 * iteration; re-reading the argmax each step would make it chase whichever action leads now).
 */
export function attackDirection(policy: Policy, obs: tf.Tensor4D, targetAction?: number, awayFrom?: tf.Tensor1D): tf.Tensor4D {
  return tf.tidy(() => {
    const batch = obs.shape[0];
    const labels =
      targetAction === undefined
        ? tf.oneHot(awayFrom ?? greedyLabels(policy, obs), policy.actionCount)
        : tf.oneHot(tf.fill([batch], targetAction, 'int32') as tf.Tensor1D, policy.actionCount);
    const loss = (x: tf.Tensor): tf.Tensor => tf.losses.softmaxCrossEntropy(labels, policy.logits(x as tf.Tensor4D), undefined, undefined, tf.Reduction.SUM);
    const gradient = tf.grad(loss)(obs) as tf.Tensor4D;
    return targetAction === undefined ? gradient : tf.neg(gradient);
  });
}
