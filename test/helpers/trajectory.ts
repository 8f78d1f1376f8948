/** Plays a seeded episode and fingerprints the whole trajectory, for determinism and golden tests. */
import { hashObservation } from '../../src/core/gym/checkEnv.ts';
import type { Env } from '../../src/core/gym/env.ts';
import { Rng } from '../../src/core/rng.ts';

/** Picks an action from the observation and a seeded action RNG (seed + 1000). */
export type Chooser = (observation: Float32Array, rng: Rng) => number;

export function trajectory(
  env: Env<Float32Array>,
  seed: number,
  maxSteps: number,
  choose: Chooser,
): { hash: string; steps: number; totalReward: number; info: Record<string, unknown> } {
  const actions = Rng.fromSeed(seed + 1000);
  let observation = env.reset({ seed }).observation;
  const hashes = [hashObservation(observation)];
  let totalReward = 0;
  let info: Record<string, unknown> = {};
  let steps = 0;
  while (steps < maxSteps) {
    const result = env.step(choose(observation, actions));
    observation = result.observation;
    steps++;
    hashes.push(hashObservation(result.observation), String(result.reward));
    totalReward += result.reward;
    info = result.info;
    if (result.terminated || result.truncated) break;
  }
  return { hash: hashObservation(new TextEncoder().encode(hashes.join(','))), steps, totalReward, info };
}
