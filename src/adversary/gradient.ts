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
 * Per-row cross-entropy of softmax(logits) against one-hot labels, with its closed-form gradient
 * softmax(z) - onehot(label) given directly. Same values and gradient as
 * tf.losses.softmaxCrossEntropy with no reduction, but about 40 fewer small ops on the tape, which
 * is ~20% of an FGSM step on the 84x84 DQN net (bench/adversary.ts). Without `fixedLabels` the
 * labels are the logits' own argmax, read from the same forward pass the gradient uses: no extra
 * forward pass per FGSM step.
 */
function crossEntropy(actionCount: number, fixedLabels: tf.Tensor2D | undefined): (logits: tf.Tensor2D) => tf.Tensor1D {
  const labelsFor = (logits: tf.Tensor2D): tf.Tensor2D => fixedLabels ?? (tf.oneHot(tf.argMax(logits, 1) as tf.Tensor1D, actionCount) as tf.Tensor2D);
  // customGrad's signature passes inputs and the save function as one rest list.
  return tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = inputs[0] as tf.Tensor2D;
    (inputs[1] as tf.GradSaveFunc)([z]);
    const labels = labelsFor(z);
    const value = tf.sub(tf.logSumExp(z, 1), tf.sum(tf.mul(z, labels), 1)) as tf.Tensor1D;
    return {
      value,
      gradFunc: (dy: tf.Tensor1D, saved: tf.Tensor[]) => {
        const savedLogits = saved[0] as tf.Tensor2D;
        return tf.mul(tf.expandDims(dy, 1), tf.sub(tf.softmax(savedLogits), labelsFor(savedLogits)));
      },
    };
  }) as (logits: tf.Tensor2D) => tf.Tensor1D;
}

export interface LossAndDirection {
  /** Per-row attack objective at obs: CE(label) untargeted, -CE(target) targeted; larger is better for the attacker. */
  readonly loss: tf.Tensor1D;
  /** Its gradient with respect to obs: the direction that helps the attack. */
  readonly direction: tf.Tensor4D;
}

/**
 * The attack objective and its gradient from one forward and one backward pass. `awayFrom` fixes
 * the untargeted labels (PGD keeps the clean observation's actions for every iteration; re-reading
 * the argmax each step would make it chase whichever action leads now).
 */
export function lossAndDirection(policy: Policy, obs: tf.Tensor4D, targetAction?: number, awayFrom?: tf.Tensor1D): LossAndDirection {
  return tf.tidy(() => {
    const batch = obs.shape[0];
    const fixedLabels =
      targetAction !== undefined
        ? (tf.oneHot(tf.fill([batch], targetAction, 'int32') as tf.Tensor1D, policy.actionCount) as tf.Tensor2D)
        : awayFrom !== undefined
          ? (tf.oneHot(awayFrom, policy.actionCount) as tf.Tensor2D)
          : undefined;
    const loss = crossEntropy(policy.actionCount, fixedLabels);
    // Summing the per-row losses keeps each row's gradient its own (rows do not interact).
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => loss(policy.logits(x as tf.Tensor4D)))(obs);
    const targeted = targetAction !== undefined;
    return {
      loss: (targeted ? tf.neg(value) : value) as tf.Tensor1D,
      direction: (targeted ? tf.neg(grad) : grad) as tf.Tensor4D,
    };
  });
}

/** The attack objective alone (one forward pass), as lossAndDirection defines it. */
export function attackLoss(policy: Policy, obs: tf.Tensor4D, targetAction?: number, awayFrom?: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const logits = policy.logits(obs);
    const labelIndices =
      targetAction !== undefined ? (tf.fill([obs.shape[0]], targetAction, 'int32') as tf.Tensor1D) : (awayFrom ?? (tf.argMax(logits, 1) as tf.Tensor1D));
    const labels = tf.oneHot(labelIndices, policy.actionCount);
    const crossEntropy = tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, labels), 1)) as tf.Tensor1D;
    return targetAction === undefined ? crossEntropy : tf.neg(crossEntropy);
  });
}

/** The direction alone (FGSM needs no loss value). */
export function attackDirection(policy: Policy, obs: tf.Tensor4D, targetAction?: number, awayFrom?: tf.Tensor1D): tf.Tensor4D {
  return tf.tidy(() => lossAndDirection(policy, obs, targetAction, awayFrom).direction);
}
