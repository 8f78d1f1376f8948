/**
 * FGSM (Goodfellow et al. 2015) as Huang et al. 2017 apply it to policies. Norm conventions:
 * - linf: delta = eps * sign(g)
 * - l2:   delta = eps * g / ||g||_2 per sample: ||delta||_2 = eps (cleverhans' total radius; Huang's
 *         code used eps * sqrt(n) * g / ||g||_2, i.e. their eps is ours divided by sqrt(n))
 * - l1:   the budget eps goes to the largest-|g| coordinates in turn, each moved as far as [0,1]
 *         allows (see norms.l1GreedyDelta), so ||delta||_1 = eps unless the box runs out.
 * g is the attack direction (gradient.ts: the gradient of Huang's cross-entropy, or with `loss` and
 * `temperature` of another objective of losses.ts), masked to the scope: 'newest' (Huang: only the newest of
 * the k stacked frames) or 'all'. The result is clipped to [0,1], and rounded to k/255 if quantize.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Policy } from '../../../agents/policy.ts';
import { UserError } from '../../core/errors.ts';
import { budgetOf, budgetShape, defineAttack } from './attackEntry.ts';
import { attackDirection } from './gradient.ts';
import { checkLossFields, lossFieldsOf, lossFlags, lossLabel, lossShape, objectiveOf, validateLossOptions } from './lossOptions.ts';
import { l1GreedyDelta, scopeMask, unitL2, validateBudget } from './norms.ts';
import type { GradientAttackOptions, Norm } from './types.ts';

export function validateFgsmOptions(policy: Policy, options: GradientAttackOptions, where = 'fgsm'): void {
  validateBudget(options, where);
  validateLossOptions(options, where);
  const target = options.targetAction;
  if (target !== undefined && !(Number.isInteger(target) && target >= 0 && target < policy.actionCount)) {
    throw new UserError(`${where}: targetAction must be an integer in [0, ${policy.actionCount - 1}], got ${target}`);
  }
}

/** One norm-constrained step of size `size` along `direction` (already masked to the scope; mask is scopeMask's, obs-shaped). */
export function normStep(obs: tf.Tensor4D, direction: tf.Tensor4D, mask: tf.Tensor4D, size: number, norm: Norm): tf.Tensor4D {
  return tf.tidy(() => {
    if (norm === 'linf') return tf.mul(tf.sign(direction), size) as tf.Tensor4D;
    if (norm === 'l2') return tf.mul(unitL2(direction), size) as tf.Tensor4D;
    const [n, h, w, k] = obs.shape;
    const delta = l1GreedyDelta(obs.dataSync() as Float32Array, direction.dataSync() as Float32Array, mask.dataSync() as Float32Array, size, h * w * k);
    return tf.tensor4d(delta, [n, h, w, k]);
  });
}

/** Clips to the pixel range and optionally to 8-bit grey levels. */
export function finishObservation(x: tf.Tensor4D, quantize: boolean | undefined): tf.Tensor4D {
  return tf.tidy(() => {
    const clipped = tf.clipByValue(x, 0, 1) as tf.Tensor4D;
    return quantize ? (tf.div(tf.round(tf.mul(clipped, 255)), 255) as tf.Tensor4D) : clipped;
  });
}

export function fgsm(policy: Policy, obs: tf.Tensor4D, options: GradientAttackOptions): tf.Tensor4D {
  validateFgsmOptions(policy, options);
  return tf.tidy(() => {
    const scope = options.scope ?? 'newest';
    const gradient = attackDirection(policy, obs, options.targetAction, undefined, objectiveOf(options));
    if (options.norm === 'linf') {
      // eps * sign(g * mask) = sign(g) * (eps * mask) exactly for a 0/1 mask: one kernel fewer.
      const delta = tf.mul(tf.sign(gradient), scopeMask(obs.shape, scope, options.eps)) as tf.Tensor4D;
      return finishObservation(tf.add(obs, delta) as tf.Tensor4D, options.quantize);
    }
    const mask = scopeMask(obs.shape, scope);
    const delta = normStep(obs, tf.mul(gradient, mask) as tf.Tensor4D, mask, options.eps, options.norm);
    return finishObservation(tf.add(obs, delta) as tf.Tensor4D, options.quantize);
  });
}

/** The registry entry: the shared budget and target, and the loss (lossOptions.ts). */
export const fgsmAttack = defineAttack({
  kind: 'fgsm',
  description: 'FGSM (Goodfellow et al. 2015, on policies as Huang et al. 2017): one step along the sign of the loss gradient',
  options: z.strictObject({ ...budgetShape, ...lossShape }),
  check: checkLossFields,
  build: (options) => {
    const fgsmOptions = { ...budgetOf(options), ...lossFieldsOf(options) };
    return (policy, obs) => fgsm(policy, obs, fgsmOptions);
  },
  label: lossLabel,
  flags: lossFlags,
});
