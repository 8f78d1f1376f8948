/**
 * PPO's loss (Schulman et al. 2017, eq. 9, the CleanRL ppo_atari form) on one minibatch of n rows,
 * and its gradient with respect to the policy logits z [n, A] and the values V [n]:
 *
 *   r_t   = exp(log pi(a_t|s_t) - log pi_old(a_t|s_t))
 *   L_pi  = -mean_t min(r_t A_t, clip(r_t, 1 - eps, 1 + eps) A_t)
 *   L_V   = 0.5 mean_t max((V_t - R_t)^2, (V_old_t + clip(V_t - V_old_t, -eps, eps) - R_t)^2)
 *           (or 0.5 mean (V_t - R_t)^2 unclipped)
 *   L     = L_pi + c1 L_V - c2 mean_t H(pi(.|s_t))
 *
 * The gradient is written out in closed form (float64, a few numbers per row) and fed to the
 * chain net's hand-written backward pass (agents/chainParameterGradient.ts), as A3C's loss does;
 * ppoLossTensors is the same loss in tf ops, which the tests differentiate with tf.grad to check
 * the closed form. Where min/max tie, the gradient follows the first argument, as tf's does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { logSoftmaxRow } from '../categorical.ts';

export interface PpoBatch {
  readonly actions: ArrayLike<number>;
  readonly oldLogProbs: ArrayLike<number>;
  /** Normalized (or not) advantages of the rows. */
  readonly advantages: ArrayLike<number>;
  readonly returns: ArrayLike<number>;
  readonly oldValues: ArrayLike<number>;
}

export interface PpoCoefficients {
  readonly clipRange: number;
  readonly clipValueLoss: boolean;
  readonly valueCoef: number;
  readonly entropyCoef: number;
}

/** The loss terms ppoLossGradient returns, each a mean over its rows (the updater averages them, the gradient thread ships them). */
export const PPO_LOSS_TERM_KEYS = ['loss', 'policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction'] as const;

export interface PpoLossTerms {
  readonly loss: number;
  readonly policyLoss: number;
  readonly valueLoss: number;
  readonly entropy: number;
  /** mean((r - 1) - log r): the low-variance KL(old || new) estimate CleanRL logs. */
  readonly approxKl: number;
  /** Share of rows whose ratio left [1 - eps, 1 + eps]. */
  readonly clipFraction: number;
}

export function ppoLossGradient(logits: ArrayLike<number>, values: ArrayLike<number>, batch: PpoBatch, c: PpoCoefficients): PpoLossTerms & { dLogits: Float32Array; dValues: Float32Array } {
  const n = batch.actions.length;
  const actionCount = logits.length / n;
  const dLogits = new Float32Array(logits.length);
  const dValues = new Float32Array(n);
  const logP = new Float64Array(actionCount);
  const eps = c.clipRange;
  let policyLoss = 0;
  let valueLoss = 0;
  let entropy = 0;
  let approxKl = 0;
  let clipped = 0;
  for (let t = 0; t < n; t++) {
    const row = t * actionCount;
    const h = logSoftmaxRow(logits, t, actionCount, logP);
    const action = batch.actions[t] as number;
    const advantage = batch.advantages[t] as number;
    const logRatio = (logP[action] as number) - (batch.oldLogProbs[t] as number);
    const ratio = Math.exp(logRatio);
    const clippedRatio = Math.min(Math.max(ratio, 1 - eps), 1 + eps);
    const unclippedTerm = ratio * advantage;
    const clippedTerm = clippedRatio * advantage;
    policyLoss -= Math.min(unclippedTerm, clippedTerm);
    // d(-min(rA, clip(r)A))/d log pi(a): -rA where the first argument is taken (ties included, as
    // tf.minimum); the clipped one is taken only when r is outside the range, where it is constant.
    const dLogPa = unclippedTerm <= clippedTerm ? -ratio * advantage : 0;
    if (Math.abs(ratio - 1) > eps) clipped++;
    approxKl += ratio - 1 - logRatio;
    entropy += h;
    for (let j = 0; j < actionCount; j++) {
      const p = Math.exp(logP[j] as number);
      // d log pi(a)/dz_j = 1[j = a] - p_j; dH/dz_j = -p_j (log p_j + H).
      const policy = dLogPa * ((j === action ? 1 : 0) - p);
      const entropyGrad = -p * ((logP[j] as number) + h);
      dLogits[row + j] = (policy - c.entropyCoef * entropyGrad) / n;
    }
    const v = values[t] as number;
    const target = batch.returns[t] as number;
    const errorUnclipped = v - target;
    let dv = errorUnclipped;
    let term = errorUnclipped * errorUnclipped;
    if (c.clipValueLoss) {
      const old = batch.oldValues[t] as number;
      const delta = v - old;
      const vClipped = old + Math.min(Math.max(delta, -eps), eps);
      const errorClipped = vClipped - target;
      const termClipped = errorClipped * errorClipped;
      if (term < termClipped) {
        term = termClipped;
        dv = delta > -eps && delta < eps ? errorClipped : 0;
      }
    }
    valueLoss += 0.5 * term;
    dValues[t] = (c.valueCoef * dv) / n;
  }
  policyLoss /= n;
  valueLoss /= n;
  entropy /= n;
  const loss = policyLoss + c.valueCoef * valueLoss - c.entropyCoef * entropy;
  return { loss, policyLoss, valueLoss, entropy, approxKl: approxKl / n, clipFraction: clipped / n, dLogits, dValues };
}

/** The same loss in tf ops (the reference the closed form is tested against). */
export function ppoLossTensors(logits: tf.Tensor2D, values: tf.Tensor1D, batch: PpoBatch, c: PpoCoefficients): tf.Scalar {
  return tf.tidy(() => {
    const n = batch.actions.length;
    const logProbs = tf.logSoftmax(logits);
    const taken = tf.sum(tf.mul(logProbs, tf.oneHot(tf.tensor1d(Array.from(batch.actions), 'int32'), logits.shape[1])), 1);
    const ratio = tf.exp(tf.sub(taken, tf.tensor1d(Array.from(batch.oldLogProbs))));
    const advantages = tf.tensor1d(Array.from(batch.advantages));
    const surrogate = tf.minimum(tf.mul(ratio, advantages), tf.mul(tf.clipByValue(ratio, 1 - c.clipRange, 1 + c.clipRange), advantages));
    const policyLoss = tf.neg(tf.mean(surrogate));
    const returns = tf.tensor1d(Array.from(batch.returns));
    const unclipped = tf.square(tf.sub(values, returns));
    let valueTerms: tf.Tensor = unclipped;
    if (c.clipValueLoss) {
      const old = tf.tensor1d(Array.from(batch.oldValues));
      const vClipped = tf.add(old, tf.clipByValue(tf.sub(values, old), -c.clipRange, c.clipRange));
      valueTerms = tf.maximum(unclipped, tf.square(tf.sub(vClipped, returns)));
    }
    const valueLoss = tf.mul(0.5, tf.mean(valueTerms));
    const entropy = tf.div(tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs))), n);
    return tf.add(tf.sub(policyLoss, tf.mul(c.entropyCoef, entropy)), tf.mul(c.valueCoef, valueLoss)) as tf.Scalar;
  });
}
