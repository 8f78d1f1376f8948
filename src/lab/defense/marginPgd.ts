/**
 * SA-DQN's inner maximization (Zhang et al. 2020, PGD solver): l-inf PGD that maximizes the margin
 * of the best rival action over the clean greedy action a*,
 *
 *   m(x) = max_{a != a*} Q(x, a) - Q(x, a*),
 *
 * the quantity whose hinge the regularizer penalizes (SA_DQN's train.py passes its `logits_margin`
 * to the attack). The cross-entropy of the registry's PGD is a different objective: its gradient
 * fades once a* is confidently beaten or confidently kept, where the margin's does not. Written
 * here rather than as a registry option because only the regularizer needs it; it follows pgd.ts's
 * conventions (scope mask, Madry's step size 2.5 eps / steps, optional random start from the
 * seeded rng, projection onto the ball and [0,1] after every step) and returns the last iterate.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../../../agents/policy.ts';
import type { Rng } from '../../core/rng.ts';
import { scopeMask } from '../adversary/norms.ts';
import type { Scope } from '../adversary/types.ts';

export interface MarginPgdOptions {
  readonly eps: number;
  readonly steps: number;
  readonly randomStart: boolean;
  readonly scope: Scope;
  /** Default 2.5 * eps / steps (Madry et al.). */
  readonly stepSize?: number;
}

/** d m / d logits per row: +1 at the best rival of a*, -1 at a* (a* per row from `greedy`). */
function marginGradient(logits: Float32Array, actions: number, greedy: Int32Array): Float32Array {
  const gradient = new Float32Array(logits.length);
  for (let row = 0; row * actions < logits.length; row++) {
    const base = row * actions;
    const best = greedy[row] as number;
    let rival = best === 0 ? 1 : 0;
    for (let a = 0; a < actions; a++) if (a !== best && (logits[base + a] as number) > (logits[base + rival] as number)) rival = a;
    gradient[base + rival] = 1;
    gradient[base + best] = -1;
  }
  return gradient;
}

/** The input gradient of sum_rows (dy * logits), through the policy's fast path when it has one. */
function inputGradient(policy: Policy, x: tf.Tensor4D, dy: (logits: tf.Tensor2D) => tf.Tensor2D): tf.Tensor4D {
  if (policy.inputGradient !== undefined) return policy.inputGradient(x, dy).gradient;
  return tf.grad((input: tf.Tensor) => {
    const logits = policy.logits(input as tf.Tensor4D);
    // dy is built from the logits' values (a new constant tensor): no gradient flows through it.
    return tf.sum(tf.mul(logits, dy(logits)));
  })(x) as tf.Tensor4D;
}

export function marginPgd(policy: Policy, obs: tf.Tensor4D, options: MarginPgdOptions, rng: Rng): tf.Tensor4D {
  const { eps, steps } = options;
  if (eps === 0) return obs;
  const stepSize = options.stepSize ?? (2.5 * eps) / steps;
  return tf.tidy(() => {
    const actions = policy.actionCount;
    const greedy = Int32Array.from(policy.act(obs));
    const mask = scopeMask(obs.shape, options.scope);
    let x = obs;
    if (options.randomStart) {
      const maskValues = mask.dataSync();
      const noise = new Float32Array(obs.size);
      for (let i = 0; i < noise.length; i++) if (maskValues[i] === 1) noise[i] = rng.uniform(-eps, eps);
      x = tf.clipByValue(tf.add(obs, tf.tensor4d(noise, obs.shape)), 0, 1) as tf.Tensor4D;
    }
    const low = tf.clipByValue(tf.sub(obs, eps), 0, 1);
    const high = tf.clipByValue(tf.add(obs, eps), 0, 1);
    const maskStep = tf.mul(mask, stepSize); // once, not per step
    for (let step = 0; step < steps; step++) {
      const next = tf.tidy(() => {
        const direction = inputGradient(policy, x, (logits) => tf.tensor2d(marginGradient(logits.dataSync() as Float32Array, actions, greedy), logits.shape));
        const moved = tf.add(x, tf.mul(tf.sign(direction), maskStep));
        // The ball and [0,1] at once: [max(0, s - eps), min(1, s + eps)] is their intersection.
        return tf.minimum(tf.maximum(moved, low), high) as tf.Tensor4D;
      });
      if (x !== obs) x.dispose();
      x = next;
    }
    return x;
  });
}
