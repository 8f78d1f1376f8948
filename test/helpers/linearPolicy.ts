/** A hand-weighted linear policy (logits = flatten(obs) . W + b) whose gradients are known in closed form. */
import * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../../agents/policy.ts';
import { Rng } from '../../src/core/rng.ts';

export function linearPolicy(weights: number[][], inputShape: [number, number, number], bias?: number[]): Policy & { weights: number[][] } {
  const inputs = inputShape[0] * inputShape[1] * inputShape[2];
  const actions = weights[0]?.length ?? 0;
  if (weights.length !== inputs) throw new Error(`need ${inputs} weight rows`);
  const w = tf.keep(tf.tensor2d(weights));
  const b = tf.keep(tf.tensor1d(bias ?? new Array<number>(actions).fill(0)));
  return {
    weights,
    actionCount: actions,
    inputShape,
    logits: (obs) => tf.tidy(() => tf.add(tf.matMul(tf.reshape(obs, [obs.shape[0], inputs]), w), b) as tf.Tensor2D),
    act: (obs) => tf.tidy(() => Array.from(tf.argMax(tf.add(tf.matMul(tf.reshape(obs, [obs.shape[0], inputs]), w), b), 1).dataSync())),
  };
}

/** A linear policy with standard-normal weights drawn from `seed` (row by row) and no bias. */
export function randomLinearPolicy(inputShape: [number, number, number], seed: number, actions = 3): ReturnType<typeof linearPolicy> {
  const rng = Rng.fromSeed(seed);
  const inputs = inputShape[0] * inputShape[1] * inputShape[2];
  return linearPolicy(Array.from({ length: inputs }, () => Array.from({ length: actions }, () => rng.normal())), inputShape);
}

/** Closed-form attack direction: W (softmax(z) - onehot(label)), sign flipped for a target. */
export function analyticDirection(weights: number[][], x: number[], label: number, targeted: boolean): number[] {
  const actions = weights[0]?.length ?? 0;
  const z = Array.from({ length: actions }, (_, a) => x.reduce((s, xi, i) => s + xi * (weights[i]?.[a] ?? 0), 0));
  const max = Math.max(...z);
  const exp = z.map((v) => Math.exp(v - max));
  const total = exp.reduce((a, b) => a + b, 0);
  const p = exp.map((v) => v / total);
  return x.map((_, i) => {
    const g = p.reduce((s, pa, a) => s + (weights[i]?.[a] ?? 0) * (pa - (a === label ? 1 : 0)), 0);
    return targeted ? -g : g;
  });
}
