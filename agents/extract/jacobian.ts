/**
 * Jacobian-based dataset augmentation (Papernot et al. 2017, Sec. 4.1): each point x labelled y
 * by the oracle moves to x + λ·sign(∂F_y/∂x), F the substitute's logits (cleverhans'
 * jacobian_augmentation differentiates the logits too), clipped to the [0,1] pixel range. The step
 * probes the direction in which the substitute's output for the oracle's label changes fastest,
 * i.e. towards (λ < 0: across) the substitute's decision boundary, where new labels teach most.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../policy.ts';

/**
 * The augmented points for `obs` (caller owns the result); `labels` are the oracle's answers for
 * obs. Uses the policy's fast input gradient when it has one, tf.grad through logits() otherwise.
 */
export function jacobianAugment(substitute: Policy, obs: tf.Tensor4D, labels: readonly number[], lambda: number): tf.Tensor4D {
  if (labels.length !== obs.shape[0]) throw new Error(`jacobianAugment: ${labels.length} labels for ${obs.shape[0]} observations`);
  return tf.tidy(() => {
    const select = tf.cast(tf.oneHot(tf.tensor1d([...labels], 'int32'), substitute.actionCount), 'float32') as tf.Tensor2D;
    const gradient =
      substitute.inputGradient !== undefined
        ? substitute.inputGradient(obs, () => select).gradient
        : tf.grad((x: tf.Tensor) => tf.sum(tf.mul(substitute.logits(x as tf.Tensor4D), select)))(obs);
    return tf.clipByValue(tf.add(obs, tf.mul(tf.sign(gradient), lambda)), 0, 1) as tf.Tensor4D;
  });
}

/** λ of augmentation round `round` (1-based): Papernot's periodic step size, sign flipped every `flipEvery` rounds (0: never). */
export function roundLambda(lambda: number, round: number, flipEvery: number): number {
  if (flipEvery <= 0) return lambda;
  return Math.floor((round - 1) / flipEvery) % 2 === 0 ? lambda : -lambda;
}
