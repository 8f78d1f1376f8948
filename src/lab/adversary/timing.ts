/** When to attack: the timing strategies of Huang, Kos & Song and Lin et al. */
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../../core/errors.ts';
import type { TimingContext, TimingStrategy } from './types.ts';

/** Lin et al. 2017's preference c(s) = max_a pi(a|s) - min_a pi(a|s). */
export function actionPreference(probabilities: Float32Array): number {
  let max = -Infinity;
  let min = Infinity;
  for (const p of probabilities) {
    if (p > max) max = p;
    if (p < min) min = p;
  }
  return max - min;
}

/** softmax(logits) of one observation: the pi(.|s) that c(s) is taken of (Q-values for a DQN). */
export function actionProbabilities(logits: Float32Array): Float32Array {
  return tf.tidy(() => tf.softmax(tf.tensor2d(logits, [1, logits.length])).dataSync() as Float32Array);
}

/** Every step (Huang et al. 2017). */
export function everyStep(): TimingStrategy {
  return { name: 'every', usesProbabilities: false, shouldAttack: () => true, reset: () => undefined };
}

/** Every n-th step, starting with the first (Kos & Song 2017). */
export function everyNth(n: number): TimingStrategy {
  if (!(Number.isInteger(n) && n >= 1)) throw new UserError(`timing.n: must be an integer >= 1, got ${n}`);
  return { name: `every${n}`, usesProbabilities: false, shouldAttack: ({ step }) => step % n === 0, reset: () => undefined };
}

/** Strategically timed (Lin et al. 2017): attack iff c(s) >= beta. */
export function strategic(beta: number): TimingStrategy {
  if (!(beta >= 0 && beta <= 1)) throw new UserError(`timing.beta: must be in [0, 1], got ${beta}`);
  return { name: `strategic(${beta})`, usesProbabilities: true, shouldAttack: ({ probabilities }) => actionPreference(probabilities) >= beta, reset: () => undefined };
}

/**
 * At most `fraction` of the steps seen so far are attacked (the budget refills as the episode goes
 * on); with beta, only steps whose preference reaches beta spend it.
 */
export function budget(fraction: number, beta?: number): TimingStrategy {
  if (!(fraction >= 0 && fraction <= 1)) throw new UserError(`timing.fraction: must be in [0, 1], got ${fraction}`);
  if (beta !== undefined && !(beta >= 0 && beta <= 1)) throw new UserError(`timing.beta: must be in [0, 1], got ${beta}`);
  return {
    name: `budget(${fraction}${beta === undefined ? '' : `,${beta}`})`,
    usesProbabilities: beta !== undefined,
    shouldAttack: ({ step, attackedSoFar, probabilities }: TimingContext) =>
      attackedSoFar + 1 <= fraction * (step + 1) && (beta === undefined || actionPreference(probabilities) >= beta),
    reset: () => undefined,
  };
}
