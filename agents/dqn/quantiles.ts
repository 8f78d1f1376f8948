/**
 * Quantile regression DQN (QR-DQN, Dabney et al. 2018): the net's head gives N quantiles of the
 * return per action instead of one mean, laid out [batch, actions * N] with action a's quantiles at
 * a * N .. a * N + N - 1. Quantile i estimates the return's tau_i = (2i + 1) / 2N quantile; the
 * Q-value (what acting, evaluation and attacks use) is their mean.
 *
 * Why here: the DQN's lost points are confident misjudgements of a position, not near-ties
 * (scripts/pong-lost-points.ts), so the next lever is what the trunk learns. Regressing the whole
 * return distribution gives it N targets per sample instead of one (Dabney et al. and Rainbow,
 * Hessel et al. 2018, credit much of the distributional gain to that richer signal).
 *
 * The mean over quantiles is linear in the head's weights, so a trained quantile net folds exactly
 * into a plain Q-network of the same architecture (foldQuantileWeights): model files stay the
 * [batch, actions] chain that evaluation and every attack read.
 */
import * as tf from '@tensorflow/tfjs-core';

/** tau_i = (2i + 1) / 2N, the quantile midpoints (Dabney et al. 2018, Lemma 2). */
export function quantileMidpoints(count: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => (2 * i + 1) / (2 * count));
}

/** Outputs of a Q-network's head: one per action, or N per action with quantiles N > 0. */
export function headOutputs(actionCount: number, quantiles: number): number {
  return actionCount * Math.max(1, quantiles);
}

/** [batch, actions * N] quantiles to [batch, actions] Q-values (their mean). Caller owns it. */
export function meanOfQuantiles(quantiles: tf.Tensor2D, actionCount: number): tf.Tensor2D {
  return tf.tidy(() => tf.mean(tf.reshape(quantiles, [quantiles.shape[0], actionCount, -1]), 2) as tf.Tensor2D);
}

/** Each sample's N quantiles of one action ([batch, actions] one-hot `actionMask`): [batch, N]. */
export function quantilesOfAction(quantiles: tf.Tensor2D, actionMask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, actionCount] = actionMask.shape;
    const perAction = tf.reshape(quantiles, [batch, actionCount, -1]);
    return tf.sum(tf.mul(perAction, tf.expandDims(actionMask, 2)), 1) as tf.Tensor2D;
  });
}

export interface QuantileTargetInputs {
  /** [batch] n-step discounted reward sums. */
  readonly rewards: tf.Tensor1D;
  /** [batch], 1 = no bootstrap. */
  readonly dones: tf.Tensor1D;
  /** [batch] rewards summed (the bootstrap is discounted by gamma^steps). */
  readonly steps: tf.Tensor1D;
  readonly gamma: number;
  /** Target net's quantiles at s', [batch, actions * N]. */
  readonly nextQuantilesTarget: tf.Tensor2D;
  /** Q-values at s' that pick a* ([batch, actions]): the online net's (Double DQN) or the target's. */
  readonly nextQPicker: tf.Tensor2D;
  /** [batch] amount taken off every target quantile (advantage learning's correction), if any. */
  readonly shift?: tf.Tensor1D;
}

/** Target quantiles r + gamma^steps (1 - done) theta_j(s', a*), [batch, N]; the caller owns them. */
export function quantileTargets({ rewards, dones, steps, gamma, nextQuantilesTarget, nextQPicker, shift }: QuantileTargetInputs): tf.Tensor2D {
  return tf.tidy(() => {
    const best = tf.oneHot(tf.argMax(nextQPicker, 1) as tf.Tensor1D, nextQPicker.shape[1]) as tf.Tensor2D;
    const next = quantilesOfAction(nextQuantilesTarget, best);
    const scale = tf.mul(tf.sub(1, dones), tf.pow(tf.scalar(gamma), steps));
    const base = shift === undefined ? rewards : tf.sub(rewards, shift);
    return tf.add(tf.expandDims(base, 1), tf.mul(tf.expandDims(scale, 1), next)) as tf.Tensor2D;
  });
}

/**
 * The quantile Huber loss (Dabney et al. 2018, eq. 10) per sample: with u_ij = target_j - theta_i,
 * sum_i mean_j |tau_i - 1{u_ij < 0}| huber_kappa(u_ij) / kappa. Returns [batch].
 */
export function quantileHuberPerSample(targets: tf.Tensor2D, predicted: tf.Tensor2D, kappa: number): tf.Tensor1D {
  return tf.tidy(() => {
    const { u, tauWeight } = pairwise(targets, predicted);
    const absU = tf.abs(u);
    const quadratic = tf.minimum(absU, kappa);
    const huber = tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(kappa, tf.sub(absU, quadratic)));
    return tf.sum(tf.mean(tf.div(tf.mul(tauWeight, huber), kappa), 2), 1) as tf.Tensor1D;
  });
}

/** The batch loss: mean over samples of `weights` (importance weights) times quantileHuberPerSample. */
export function quantileHuberLoss(targets: tf.Tensor2D, predicted: tf.Tensor2D, kappa: number, weights: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.mul(weights, quantileHuberPerSample(targets, predicted, kappa))));
}

/**
 * d(quantileHuberLoss)/d(predicted), [batch, N], written out for the fused chain gradient: huber's
 * derivative in theta_i is -clip(u, -kappa, kappa), so
 *   dL/dtheta_i = -(w / batch) mean_j |tau_i - 1{u_ij < 0}| clip(u_ij, -kappa, kappa) / kappa.
 * The indicator is constant almost everywhere, as tf's own gradient of the loss treats it.
 */
export function quantileHuberGradient(targets: tf.Tensor2D, predicted: tf.Tensor2D, kappa: number, weights: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const { u, tauWeight } = pairwise(targets, predicted);
    const perPair = tf.div(tf.mul(tauWeight, tf.clipByValue(u, -kappa, kappa)), kappa);
    const scale = tf.div(tf.neg(weights), predicted.shape[0]);
    return tf.mul(tf.mean(perPair, 2), tf.expandDims(scale, 1)) as tf.Tensor2D;
  });
}

/** u [batch, N (i), N (j)] = target_j - theta_i and |tau_i - 1{u < 0}|. */
function pairwise(targets: tf.Tensor2D, predicted: tf.Tensor2D): { u: tf.Tensor3D; tauWeight: tf.Tensor3D } {
  const count = predicted.shape[1];
  const u = tf.sub(tf.expandDims(targets, 1), tf.expandDims(predicted, 2)) as tf.Tensor3D;
  const tau = tf.reshape(tf.tensor1d(quantileMidpoints(count)), [1, count, 1]);
  // 1{u < 0} as step(-u): tf.less has no gradient, step's is zero (the indicator is a constant).
  const negative = tf.step(tf.neg(u));
  return { u, tauWeight: tf.abs(tf.sub(tau, negative)) as tf.Tensor3D };
}

/**
 * A quantile net's weights (conv/dense chain, last two: head kernel [hidden, actions * N] and bias
 * [actions * N]) as a plain Q-network's: the trunk unchanged, the head averaged over each action's
 * N columns. Exact, as the mean of the quantiles is linear in them. Caller owns the result.
 */
export function foldQuantileWeights(weights: readonly tf.Tensor[], actionCount: number): tf.Tensor[] {
  const { kernel, bias } = denseHead(weights, 'foldQuantileWeights');
  return tf.tidy(() => [
    ...weights.slice(0, -2).map((w) => tf.clone(w)),
    ownBuffer(tf.mean(tf.reshape(kernel, [kernel.shape[0] as number, actionCount, -1]), 2)),
    ownBuffer(tf.mean(tf.reshape(bias, [actionCount, -1]), 1)),
  ]);
}

/**
 * The reverse, for starting a quantile net from a trained plain Q-network: every quantile of an
 * action starts at its Q-value (the head's column repeated N times), so acting is unchanged at the
 * start and the quantiles spread as training goes. Caller owns the result.
 */
export function spreadQWeights(weights: readonly tf.Tensor[], quantileCount: number): tf.Tensor[] {
  const { kernel, bias } = denseHead(weights, 'spreadQWeights');
  return tf.tidy(() => {
    // Column a * N + j takes column a.
    const columns = tf.tensor1d(Int32Array.from({ length: (bias.shape[0] as number) * quantileCount }, (_, k) => Math.floor(k / quantileCount)), 'int32');
    return [...weights.slice(0, -2).map((w) => tf.clone(w)), ownBuffer(tf.gather(kernel, columns, 1)), ownBuffer(tf.gather(bias, columns))];
  });
}

/** A chain's last two weights, the head's dense kernel and bias; `caller` names the error's source. */
function denseHead(weights: readonly tf.Tensor[], caller: string): { kernel: tf.Tensor; bias: tf.Tensor } {
  const kernel = weights[weights.length - 2];
  const bias = weights[weights.length - 1];
  if (kernel === undefined || bias === undefined || kernel.rank !== 2 || bias.rank !== 1) throw new Error(`${caller}: the last two weights must be a dense kernel and bias`);
  return { kernel, bias };
}

/**
 * A copy in a buffer of its own, made for its shape. The wasm backend files a buffer under the shape
 * it was made with, and reshapes (also inside its reductions) share buffers, so a weight set from a
 * reshaped result can reach the fused dense kernel filed as rank 2 or more, which it rejects as a
 * bias. Head weights are small; the copy through the CPU costs microseconds.
 */
function ownBuffer(tensor: tf.Tensor): tf.Tensor {
  return tf.tensor(tensor.dataSync(), tensor.shape, tensor.dtype);
}
