/**
 * The evaluator's side of extraction (never handed to the attacker): states from the victim's own
 * greedy play on seeded episodes, labelled with the action it took there, and the substitute's
 * agreement with it (the fraction of states where both pick the same argmax).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Env } from '../../src/core/gym/env.ts';
import type { Policy } from '../policy.ts';
import { LabelledStates } from './labelledStates.ts';

/** Batch size of the agreement forward passes (bounded memory for any held-out size). */
const BATCH = 256;

/** The victim plays `episodes` greedy episodes seeded seed, seed + 1, ...; every state it acted on, with its action. */
export function victimPlayStates(victim: Policy, env: Env<Float32Array>, episodes: number, seed: number): LabelledStates {
  const shape = env.observationSpace.shape as unknown as [number, number, number];
  const observations: Float32Array[] = [];
  const actions: number[] = [];
  for (let episode = 0; episode < episodes; episode++) {
    let { observation } = env.reset({ seed: seed + episode });
    for (;;) {
      const action = tf.tidy(() => victim.act(tf.tensor4d(observation, [1, ...shape]))[0] ?? 0);
      observations.push(observation);
      actions.push(action);
      const result = env.step(action);
      if (result.terminated || result.truncated) break;
      observation = result.observation;
    }
  }
  const states = new LabelledStates(observations.length, shape);
  observations.forEach((observation) => states.add(observation, 1));
  states.setLabels(actions.map((_, i) => i), actions);
  return states;
}

/** Fraction of `states` on which `policy`'s greedy action equals the stored label. */
export function agreement(policy: Pick<Policy, 'act'>, states: LabelledStates): number {
  if (states.size === 0) return Number.NaN;
  let equal = 0;
  for (let start = 0; start < states.size; start += BATCH) {
    const indices = Array.from({ length: Math.min(BATCH, states.size - start) }, (_, i) => start + i);
    const obs = states.batch(indices);
    const actions = policy.act(obs);
    obs.dispose();
    actions.forEach((action, i) => {
      if (action === states.labels[indices[i] as number]) equal++;
    });
  }
  return equal / states.size;
}
