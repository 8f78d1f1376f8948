/**
 * TD targets for DQN: y = r + gamma^steps * (1 - done) * Q_target(s', a*), where steps = 1 for
 * one-step targets (r one reward) and up to n for multi-step ones (r the discounted sum), and
 * a* = argmax_a Q_target(s', a) (Mnih et al. 2015) or, for Double DQN (van Hasselt et al. 2016),
 * a* = argmax_a Q_online(s', a) evaluated by the target network, which curbs overestimation.
 *
 * Advantage learning (Bellemare et al. 2016, "Increasing the Action Gap") subtracts
 * alpha * (max_b Q_target(s, b) - Q_target(s, a)) from y: the greedy action's target is unchanged,
 * every other action's value is pushed down, so the fixed point widens each gap between the best
 * action and the rest by 1 / (1 - alpha) and the approximation errors of the net flip fewer greedy
 * choices. The policy it converges to is still the optimal one.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface TdTargetInputs {
  /** [batch] */
  readonly rewards: tf.Tensor1D;
  /** [batch], 1 = terminated by the game's rules (no bootstrap); truncation still bootstraps. */
  readonly dones: tf.Tensor1D;
  /** Target network's Q(s', .), [batch, actions]. */
  readonly nextQTarget: tf.Tensor2D;
  /** Online network's Q(s', .), [batch, actions]; given = Double DQN. */
  readonly nextQOnline?: tf.Tensor2D;
  /** [batch] rewards summed into `rewards` (multi-step targets); absent = 1 each. */
  readonly steps?: tf.Tensor1D;
  readonly gamma: number;
  /** Given (with alpha > 0): advantage learning's correction, from the target net at s. */
  readonly advantageLearning?: AdvantageLearningInputs;
}

export interface AdvantageLearningInputs {
  /** In [0, 1): 0 = plain targets. Bellemare et al.: 0.9. */
  readonly alpha: number;
  /** Target network's Q(s, .), [batch, actions]. */
  readonly qTarget: tf.Tensor2D;
  /** One-hot of the action taken in s, [batch, actions]. */
  readonly actionMask: tf.Tensor2D;
}

/** Targets as a [batch] tensor; the caller owns it. */
export function tdTargets({ rewards, dones, nextQTarget, nextQOnline, steps, gamma, advantageLearning }: TdTargetInputs): tf.Tensor1D {
  return tf.tidy(() => {
    let bootstrap: tf.Tensor1D;
    if (nextQOnline === undefined) {
      bootstrap = tf.max(nextQTarget, 1);
    } else {
      const chosen = tf.oneHot(tf.argMax(nextQOnline, 1) as tf.Tensor1D, nextQTarget.shape[1]);
      bootstrap = tf.sum(tf.mul(nextQTarget, chosen), 1);
    }
    const discount = steps === undefined ? tf.scalar(gamma) : tf.pow(tf.scalar(gamma), steps);
    const targets = tf.add(rewards, tf.mul(tf.mul(tf.sub(1, dones), discount), bootstrap)) as tf.Tensor1D;
    if (advantageLearning === undefined || advantageLearning.alpha === 0) return targets;
    const { alpha, qTarget, actionMask } = advantageLearning;
    const gap = tf.sub(tf.max(qTarget, 1), tf.sum(tf.mul(qTarget, actionMask), 1));
    return tf.sub(targets, tf.mul(alpha, gap));
  });
}

/**
 * Huber loss (quadratic within |x| <= delta, linear outside), averaged over the batch; with
 * `weights` ([batch], prioritized replay's importance weights) each sample's loss is scaled first.
 */
export function huberLoss(targets: tf.Tensor1D, predictions: tf.Tensor1D, delta: number, weights?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const error = tf.abs(tf.sub(targets, predictions));
    const quadratic = tf.minimum(error, delta);
    const linear = tf.sub(error, quadratic);
    const perSample = tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, linear));
    return tf.mean(weights === undefined ? perSample : tf.mul(weights, perSample));
  });
}
