/**
 * What an on-policy algorithm plugs into the shared learner (training.ts): its nets, the batched
 * forward pass the rollout acts with, the update on a finished rollout, and its own checkpoint
 * files. PPO (agents/ppo/updater.ts) and TRPO (agents/trpo/updater.ts) are the two.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BatchForward, RolloutBuffer } from './rollout.ts';

/** A rollout with its GAE advantages and value targets (rows t * N + e). */
export interface Rollout {
  readonly buffer: RolloutBuffer;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
}

export interface UpdateContext {
  /** Fraction of totalSteps done before this rollout (0 .. 1): annealing schedules read it. */
  readonly progress: number;
  /** The learner's seeded stream (minibatch shuffles). */
  readonly rng: import('../../src/core/rng.ts').Rng;
}

export interface OnPolicyUpdater {
  /** The policy net (output 0 = logits): graded, attacked, saved as the model folder. */
  readonly policyModel: tfl.LayersModel;
  readonly forward: BatchForward;
  /** One update; returns the training.csv cells of this algorithm (finite `loss` or the run stops). */
  update(rollout: Rollout, context: UpdateContext): Record<string, number>;
  /** Nets and optimizer state into a checkpoint folder. */
  save(dir: string): Promise<void>;
  dispose(): void;
}

export interface UpdaterFactory<Config> {
  /** Algorithm-specific training.csv columns (after the shared ones). */
  readonly columns: readonly string[];
  create(config: Config, inputShape: readonly [number, number, number], actionCount: number, seed: number): OnPolicyUpdater;
  load(dir: string, config: Config, inputShape: readonly [number, number, number], actionCount: number): Promise<OnPolicyUpdater>;
}
