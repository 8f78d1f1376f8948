/**
 * The training-observation seam: a learner hands the observations it acts on and learns from to
 * these functions, which may return perturbed ones computed against the current network
 * (adversarial training, SA regularizers). The lab builds them from its attacks and hands them in
 * through the harness; agents/ never imports the lab, so this is a plain function type.
 *
 * Contract: called inside the learner's tf.tidy; return a tensor of obs's shape (obs itself for
 * "no change"); do not dispose obs. `rng` is the learner's seeded stream, so hooks that draw
 * random starts stay reproducible.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../src/core/rng.ts';
import type { Policy } from '../policy.ts';

export type ObservationTransform = (policy: Policy, obs: tf.Tensor4D, rng: Rng) => tf.Tensor4D;

export interface ObservationHook {
  /** The observation the agent acts on while collecting experience ([1, H, W, k]). */
  readonly act?: ObservationTransform;
  /** The batch of observations the loss is computed on (DQN: replay states s; A3C: rollout states). */
  readonly learn?: ObservationTransform;
}
