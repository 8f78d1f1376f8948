/**
 * The narrow interface that evaluation and every attack use. Any agent (DQN, A3C), substitute
 * model or hand-built test network fits, so attacks never depend on how a policy was trained.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** What Policy.inputGradient returns: the forward pass and the input gradient of one pass. */
export interface LogitsAndInputGradient {
  /** The model's first output at obs, [batch, actions]. */
  readonly logits: tf.Tensor2D;
  /** d(sum(dy * logits))/d(obs) with dy = outputGradient(logits), obs-shaped. */
  readonly gradient: tf.Tensor4D;
}

export interface Policy {
  readonly actionCount: number;
  /** Observation shape [H, W, k] the policy expects (batch dimension excluded). */
  readonly inputShape: readonly [number, number, number];
  /** Q-values (DQN) or policy logits (A3C), shape [batch, actionCount]. Caller owns the result. */
  logits(obs: tf.Tensor4D): tf.Tensor2D;
  /** Greedy (argmax) actions, one per batch row. Leaves no tensors behind. */
  act(obs: tf.Tensor4D): number[];
  /**
   * Optional fast path for gradient attacks: the logits at obs and d(sum(dy * logits))/d(obs),
   * with dy = outputGradient(logits) ([batch, actionCount]). Must equal tf.grad through logits();
   * attacks use tf.grad when a policy does not offer it. Caller owns both results.
   */
  inputGradient?(obs: tf.Tensor4D, outputGradient: (logits: tf.Tensor2D) => tf.Tensor2D): LogitsAndInputGradient;
}

/**
 * The greedy action read off one row of logits already on the CPU: the first index of the largest
 * value, as tf.argMax (and so Policy.act) picks on ties. Callers that need the logits anyway take
 * the action from them instead of a second forward pass.
 */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}
