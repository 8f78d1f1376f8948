/**
 * The narrow interface that evaluation and every attack use. Any agent (DQN, A3C), substitute
 * model or hand-built test network fits, so attacks never depend on how a policy was trained.
 */
import type * as tf from '@tensorflow/tfjs-core';

export interface Policy {
  readonly actionCount: number;
  /** Observation shape [H, W, k] the policy expects (batch dimension excluded). */
  readonly inputShape: readonly [number, number, number];
  /** Q-values (DQN) or policy logits (A3C), shape [batch, actionCount]. Caller owns the result. */
  logits(obs: tf.Tensor4D): tf.Tensor2D;
  /** Greedy (argmax) actions, one per batch row. Leaves no tensors behind. */
  act(obs: tf.Tensor4D): number[];
}
