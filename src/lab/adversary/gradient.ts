/**
 * The FGSM loss gradient (Huang et al. 2017): cross-entropy between softmax(logits) and a label,
 * differentiated with respect to the observation. Returns the direction that HELPS the attack:
 * untargeted, +grad of CE(own argmax action) (push away from it); targeted, -grad of CE(target).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../../../agents/policy.ts';

/** The policy's greedy actions: the labels an untargeted attack pushes away from. */
export function greedyLabels(policy: Policy, obs: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.argMax(policy.logits(obs), 1) as tf.Tensor1D);
}

/**
 * Per-row cross-entropy of softmax(logits) against labels (the row's argmax where `labels` is
 * undefined), times `sign`, with its gradient sign * (softmax(z) - onehot(label)). Plain JS on the
 * logits ([batch, actions]: a few numbers per row), in float64 before rounding to float32.
 */
export function crossEntropyRows(
  logits: Float32Array | Int32Array | Uint8Array,
  actions: number,
  labels: ArrayLike<number> | undefined,
  sign: 1 | -1,
): { values: Float32Array; gradient: Float32Array } {
  const rows = logits.length / actions;
  const values = new Float32Array(rows);
  const gradient = new Float32Array(logits.length);
  for (let r = 0, base = 0; r < rows; r++, base += actions) {
    let max = -Infinity;
    let argMax = 0;
    for (let j = 0; j < actions; j++) {
      const z = logits[base + j] as number;
      if (z > max) {
        max = z;
        argMax = j;
      }
    }
    const label = labels === undefined ? argMax : (labels[r] as number);
    let sumExp = 0;
    for (let j = 0; j < actions; j++) sumExp += Math.exp((logits[base + j] as number) - max);
    values[r] = sign * (Math.log(sumExp) + max - (logits[base + label] as number));
    for (let j = 0; j < actions; j++) {
      gradient[base + j] = sign * (Math.exp((logits[base + j] as number) - max) / sumExp - (j === label ? 1 : 0));
    }
  }
  return { values, gradient };
}

/**
 * The attack objective as a differentiable op on the logits: sign * CE(label), its gradient given
 * in closed form. Same values and gradient as tf.losses.softmaxCrossEntropy with no reduction, but
 * computed in JS from the logits read back once: the ~25 tiny tensor ops it took on the tape (each
 * a few microseconds of engine overhead on [1, 6] data) were ~10-20% of an FGSM step on the 84x84
 * DQN net (bench/adversary.ts). Without `labels` the labels are the logits' own argmax, read from
 * the same forward pass the gradient uses: no extra forward pass per FGSM step.
 */
function crossEntropy(actionCount: number, labels: ArrayLike<number> | undefined, sign: 1 | -1): (logits: tf.Tensor2D) => tf.Tensor1D {
  // customGrad's signature passes inputs and the save function as one rest list.
  return tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = inputs[0] as tf.Tensor2D;
    const rows = z.shape[0];
    const { values, gradient } = crossEntropyRows(z.dataSync(), actionCount, labels, sign);
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
    const targeted = targetAction !== undefined;
    const labels = targeted ? new Array<number>(obs.shape[0]).fill(targetAction) : awayFrom?.dataSync();
    if (policy.inputGradient !== undefined) {
      // The policy's own vector-Jacobian product (LayersPolicy over a conv/dense chain: fused
      // forward, hand-written backward, no tape), fed the same closed-form loss gradient.
      let values: Float32Array = new Float32Array(0);
      const { gradient } = policy.inputGradient(obs, (logits) => {
        const rows = crossEntropyRows(logits.dataSync(), policy.actionCount, labels, targeted ? -1 : 1);
        values = rows.values;
        return tf.tensor2d(rows.gradient, logits.shape);
      });
      return { loss: tf.tensor1d(values), direction: gradient };
    }
    const loss = crossEntropy(policy.actionCount, labels, targeted ? -1 : 1);
    // Summing the per-row losses keeps each row's gradient its own (rows do not interact).
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => loss(policy.logits(x as tf.Tensor4D)))(obs);
    return { loss: value as tf.Tensor1D, direction: grad as tf.Tensor4D };
  });
}

/** The attack objective alone (one forward pass), as lossAndDirection defines it. */
export function attackLoss(policy: Policy, obs: tf.Tensor4D, targetAction?: number, awayFrom?: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const targeted = targetAction !== undefined;
    const labels = targeted ? new Array<number>(obs.shape[0]).fill(targetAction) : awayFrom?.dataSync();
    return tf.tensor1d(crossEntropyRows(policy.logits(obs).dataSync(), policy.actionCount, labels, targeted ? -1 : 1).values);
  });
}

/** The direction alone (FGSM needs no loss value). */
export function attackDirection(policy: Policy, obs: tf.Tensor4D, targetAction?: number, awayFrom?: tf.Tensor1D): tf.Tensor4D {
  return tf.tidy(() => lossAndDirection(policy, obs, targetAction, awayFrom).direction);
}
