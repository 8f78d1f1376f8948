/**
 * The control: random perturbation of the same norm, eps and scope as the attack, clipped the same
 * way. linf: +-eps with random signs on every pixel in scope (the same size as FGSM's, random
 * direction); l2: a Gaussian direction scaled to ||delta||_2 = eps; l1: the budget spent on randomly
 * ordered pixels with random signs, each moved up to 1 (mirroring FGSM-l1's greedy spending).
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { budgetOf, budgetShape, defineAttack } from './attackEntry.ts';
import { finishObservation } from './fgsm.ts';
import { l1GreedyDelta, validateBudget } from './norms.ts';
import type { PerturbationBudget } from './types.ts';

export function randomNoise(obs: tf.Tensor4D, options: PerturbationBudget, rng: Rng): tf.Tensor4D {
  validateBudget(options, 'random');
  const [n, h, w, k] = obs.shape;
  const size = h * w * k;
  const inScope = (i: number): boolean => (options.scope ?? 'newest') === 'all' || i % k === k - 1;
  const direction = new Float32Array(n * size);
  for (let i = 0; i < direction.length; i++) {
    if (!inScope(i)) continue;
    direction[i] = options.norm === 'l2' ? rng.normal() : rng.chance(0.5) ? 1 : -1;
  }
  let delta: Float32Array;
  if (options.norm === 'linf') {
    delta = direction.map((d) => d * options.eps);
  } else if (options.norm === 'l2') {
    delta = new Float32Array(direction.length);
    for (let start = 0; start < delta.length; start += size) {
      const sample = direction.subarray(start, start + size);
      const length = Math.sqrt(sample.reduce((a, v) => a + v * v, 0)) || 1;
      for (let i = 0; i < size; i++) delta[start + i] = ((sample[i] as number) / length) * options.eps;
    }
  } else {
    // Random priorities decide which pixels get the budget first.
    const priority = direction.map((d) => d * (0.5 + rng.float()));
    delta = l1GreedyDelta(obs.dataSync() as Float32Array, priority, undefined, options.eps, size);
  }
  return tf.tidy(() => finishObservation(tf.add(obs, tf.tensor4d(delta, [n, h, w, k])) as tf.Tensor4D, options.quantize));
}

/** The registry entry ('random' in configs): the budget only; a target is accepted and ignored. */
export const randomAttack = defineAttack({
  kind: 'random',
  description: 'random noise of the same norm, eps and scope: the control an attack must beat',
  options: z.strictObject(budgetShape),
  build: (options) => {
    const budget = budgetOf(options);
    return (_policy, obs, rng) => randomNoise(obs, budget, rng);
  },
  label: () => '',
  flags: [],
});
