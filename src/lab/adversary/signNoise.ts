/**
 * TOY (proves the registry recipe; not to be kept): delta = eps * sign(g) with g ~ N(0, 1) drawn
 * per pixel in scope: FGSM's shape of perturbation with a random instead of a loss gradient.
 * l-inf only (a sign step has no other natural norm). With density < 1 only that fraction of the
 * pixels in scope is changed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { FieldError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { budgetOf, budgetShape, defineAttack } from './attackEntry.ts';
import { finishObservation } from './fgsm.ts';
import type { PerturbationBudget } from './types.ts';

export function signNoise(obs: tf.Tensor4D, options: PerturbationBudget & { readonly density?: number }, rng: Rng): tf.Tensor4D {
  const [n, h, w, k] = obs.shape;
  const delta = new Float32Array(n * h * w * k);
  const density = options.density ?? 1;
  for (let i = 0; i < delta.length; i++) {
    if ((options.scope ?? 'newest') === 'newest' && i % k !== k - 1) continue;
    const g = rng.normal();
    if (density < 1 && !rng.chance(density)) continue;
    delta[i] = options.eps * Math.sign(g);
  }
  return tf.tidy(() => finishObservation(tf.add(obs, tf.tensor4d(delta, [n, h, w, k])) as tf.Tensor4D, options.quantize));
}

export const signNoiseAttack = defineAttack({
  kind: 'signNoise',
  description: 'TOY: eps times the sign of Gaussian noise on the pixels in scope (l-inf only)',
  options: z.strictObject({
    ...budgetShape,
    /** Fraction of the pixels in scope that are changed; default 1 (all, like FGSM-linf). */
    density: z.number().gt(0).max(1).optional(),
  }),
  build: (options) => {
    if (options.norm !== 'linf') throw new FieldError('norm', "signNoise is l-inf only (use norm 'linf')", 'signNoise');
    const { density } = options;
    const signOptions = { ...budgetOf(options), ...(density === undefined ? {} : { density }) };
    return (_policy, obs, rng) => signNoise(obs, signOptions, rng);
  },
  label: ({ density }) => (density === undefined ? '' : ` density=${density}`),
  flags: [{ name: 'density', type: 'number', field: 'density', describe: 'fraction of the pixels in scope changed (default 1)' }],
});
