/** Greedy evaluation of a policy: episode i resets with seed + i, so results are reproducible. */
import * as tf from '@tensorflow/tfjs-core';
import type { Env } from '../src/core/gym/env.ts';
import { mean, sampleStd } from '../src/core/stats.ts';
import type { Rng } from '../src/core/rng.ts';
import { argmax, type Policy } from './policy.ts';

export interface Evaluation {
  readonly returns: number[];
  readonly lengths: number[];
  readonly meanReturn: number;
  readonly stdReturn: number;
}

export interface EvaluateOptions {
  /** Called with the policy's logits at every step's observation, before the greedy action is taken. */
  readonly onLogits?: ((logits: Float32Array) => void) | undefined;
}

export function evaluate(policy: Policy, env: Env<Float32Array>, episodes: number, seed: number, options: EvaluateOptions = {}): Evaluation {
  const [h, w, k] = policy.inputShape;
  const { onLogits } = options;
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let episode = 0; episode < episodes; episode++) {
    let { observation } = env.reset({ seed: seed + episode });
    let total = 0;
    let length = 0;
    for (;;) {
      const action = tf.tidy(() => {
        const x = tf.tensor4d(observation, [1, h, w, k]);
        if (onLogits === undefined) return policy.act(x)[0] ?? 0;
        // The logits are read anyway: take the greedy action from them, not a second forward pass.
        const logits = policy.logits(x).dataSync() as Float32Array;
        onLogits(logits);
        return argmax(logits);
      });
      const result = env.step(action);
      total += result.reward;
      length++;
      observation = result.observation;
      if (result.terminated || result.truncated) break;
    }
    returns.push(total);
    lengths.push(length);
  }
  return { returns, lengths, meanReturn: mean(returns), stdReturn: sampleStd(returns) };
}

/** The random-play baseline on the same seeded episodes (uniform actions from `rng`). */
export function evaluateRandom(env: Env<Float32Array>, episodes: number, seed: number, rng: Rng): Evaluation {
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let episode = 0; episode < episodes; episode++) {
    env.reset({ seed: seed + episode });
    let total = 0;
    let length = 0;
    for (;;) {
      const result = env.step(env.actionSpace.sample(rng));
      total += result.reward;
      length++;
      if (result.terminated || result.truncated) break;
    }
    returns.push(total);
    lengths.push(length);
  }
  return { returns, lengths, meanReturn: mean(returns), stdReturn: sampleStd(returns) };
}
