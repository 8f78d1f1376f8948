/**
 * The gradient attacks' loss gradient with respect to the observation. The loss is Huang et al.'s
 * (2017) cross-entropy between softmax(logits) and a label by default, or another objective of
 * losses.ts (ce at a temperature, Carlini & Wagner's logit margin). Returns the direction that
 * HELPS the attack: untargeted, +grad of the loss at the own argmax action (push away from it);
 * targeted, -grad of the loss at the target.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../../../agents/policy.ts';
import { HUANG_CE, objectiveRows, type AttackObjective } from './losses.ts';

export { crossEntropyRows, marginRows, HUANG_CE, type AttackObjective, type LossKind } from './losses.ts';

/** The policy's greedy actions: the labels an untargeted attack pushes away from. */
export function greedyLabels(policy: Policy, obs: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.argMax(policy.logits(obs), 1) as tf.Tensor1D);
}

/**
 * The attack objective as a differentiable op on the logits: sign * loss(label), its gradient given
 * in closed form. For ce, the same values and gradient as tf.losses.softmaxCrossEntropy with no reduction, but
 * computed in JS from the logits read back once: the ~25 tiny tensor ops it took on the tape (each
 * a few microseconds of engine overhead on [1, 6] data) were ~10-20% of an FGSM step on the 84x84
 * DQN net (bench/adversary.ts). Without `labels` the labels are the logits' own argmax, read from
 * the same forward pass the gradient uses: no extra forward pass per FGSM step.
 */
function objectiveOp(actionCount: number, labels: ArrayLike<number> | undefined, sign: 1 | -1, objective: AttackObjective): (logits: tf.Tensor2D) => tf.Tensor1D {
  // customGrad's signature passes inputs and the save function as one rest list.
  return tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = inputs[0] as tf.Tensor2D;
    const rows = z.shape[0];
    const { values, gradient } = objectiveRows(z.dataSync(), actionCount, labels, sign, objective);
    return {
      value: tf.tensor1d(values),
      gradFunc: (dy: tf.Tensor1D) => {
        const scale = dy.dataSync();
        const scaled = gradient.map((g, i) => g * (scale[Math.floor(i / actionCount)] as number));
        return tf.tensor2d(scaled, [rows, actionCount]);
      },
    };
  }) as (logits: tf.Tensor2D) => tf.Tensor1D;
}

export interface LossAndDirection {
  /** Per-row attack objective at obs: loss(label) untargeted, -loss(target) targeted; larger is better for the attacker. */
  readonly loss: tf.Tensor1D;
  /** Its gradient with respect to obs: the direction that helps the attack. */
  readonly direction: tf.Tensor4D;
}

/**
 * The attack objective and its gradient from one forward and one backward pass. `awayFrom` fixes
 * the untargeted labels (PGD keeps the clean observation's actions for every iteration; re-reading
 * the argmax each step would make it chase whichever action leads now).
 */
export function lossAndDirection(policy: Policy, obs: tf.Tensor4D, targetAction?: number, awayFrom?: tf.Tensor1D, objective: AttackObjective = HUANG_CE): LossAndDirection {
  return tf.tidy(() => {
    const targeted = targetAction !== undefined;
    const labels = targeted ? new Array<number>(obs.shape[0]).fill(targetAction) : awayFrom?.dataSync();
    if (policy.inputGradient !== undefined) {
      // The policy's own vector-Jacobian product (LayersPolicy over a conv/dense chain: fused
      // forward, hand-written backward, no tape), fed the same closed-form loss gradient (every
      // objective of losses.ts has one, the margin's included).
      let values: Float32Array = new Float32Array(0);
      const { gradient } = policy.inputGradient(obs, (logits) => {
        const rows = objectiveRows(logits.dataSync(), policy.actionCount, labels, targeted ? -1 : 1, objective);
        values = rows.values;
        return tf.tensor2d(rows.gradient, logits.shape);
      });
      return { loss: tf.tensor1d(values), direction: gradient };
    }
    const loss = objectiveOp(policy.actionCount, labels, targeted ? -1 : 1, objective);
    // Summing the per-row losses keeps each row's gradient its own (rows do not interact).
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => loss(policy.logits(x as tf.Tensor4D)))(obs);
    return { loss: value as tf.Tensor1D, direction: grad as tf.Tensor4D };
  });
}

/** The attack objective alone (one forward pass), as lossAndDirection defines it. */
export function attackLoss(policy: Policy, obs: tf.Tensor4D, targetAction?: number, awayFrom?: tf.Tensor1D, objective: AttackObjective = HUANG_CE): tf.Tensor1D {
  return tf.tidy(() => {
    const targeted = targetAction !== undefined;
    const labels = targeted ? new Array<number>(obs.shape[0]).fill(targetAction) : awayFrom?.dataSync();
    return tf.tensor1d(objectiveRows(policy.logits(obs).dataSync(), policy.actionCount, labels, targeted ? -1 : 1, objective).values);
  });
}

/** The direction alone (FGSM needs no loss value). */
export function attackDirection(policy: Policy, obs: tf.Tensor4D, targetAction?: number, awayFrom?: tf.Tensor1D, objective: AttackObjective = HUANG_CE): tf.Tensor4D {
  return tf.tidy(() => lossAndDirection(policy, obs, targetAction, awayFrom, objective).direction);
}
