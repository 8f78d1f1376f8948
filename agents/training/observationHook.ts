/**
 * The training-observation seam: a learner hands the observations it acts on and learns from to
 * these functions, which may return perturbed ones computed against the current network
 * (adversarial training, SA regularizers). The lab builds them from its attacks and hands them in
 * through the harness; agents/ never imports the lab, so this is a plain function type.
 *
 * How a config block meets its builder: the learner's config carries the data (adversarialTraining,
 * saRegularizer), `advgym train` builds the hook from it (src/lab/defense/) and passes it as the
 * algorithm's `observationHook` option; a library caller of trainDqn passes one the same way (or
 * builds it with the lab's buildObservationHook). A learner whose config asks for a defense but gets
 * no hook refuses to start rather than train undefended.
 *
 * Contract: called inside the learner's tf.tidy; return a tensor of obs's shape (obs itself for
 * "no change"); do not dispose obs. `rng` is the learner's seeded stream, so hooks that draw
 * random starts stay reproducible; `step` is the learner's agent step (eps ramps).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../src/core/rng.ts';
import type { Policy } from '../policy.ts';

export type ObservationTransform = (policy: Policy, obs: tf.Tensor4D, rng: Rng, step: number) => tf.Tensor4D;

export interface ObservationHook {
  /** The observation the agent acts on while collecting experience ([1, H, W, k]). */
  readonly act?: ObservationTransform;
  /** The batch of observations the loss is computed on (DQN: replay states s; A3C: rollout states). */
  readonly learn?: ObservationTransform;
  /**
   * SA-DQN's inner maximization: for each batch state, the worst state of the eps-ball (the one that
   * most raises a rival action's Q-value over the greedy action's), for the hinge regularizer. The
   * radius (and its ramp) is the hook's; eps 0 may return obs itself.
   */
  readonly worstCase?: ObservationTransform;
}

/**
 * How a hook reaches learners that run in worker threads (A3C), where functions cannot go: the file
 * URL of a module exporting `createObservationHook(options): ObservationHook`, and JSON options.
 * The worker imports the URL (a string, so agents/ still imports nothing from the lab).
 */
export interface ObservationHookModule {
  readonly url: string;
  readonly options: unknown;
}
