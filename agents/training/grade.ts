/**
 * Greedy evaluation beside random play on the same seeded episodes: the one place a training run
 * grades its policy. Seeds: the final grade plays seeds [seed, seed + finalEpisodes), periodic
 * grades the ones right after, so picking the best periodic weights never looks at the final
 * grade's episodes; both sit far from training seeds (a learner's evaluation seed, e.g. 10,000).
 */
import type { Env } from '../../src/core/gym/env.ts';
import { Rng } from '../../src/core/rng.ts';
import { evaluate, evaluateRandom } from '../evaluate.ts';
import type { Policy } from '../policy.ts';
import type { Grade } from './agentJson.ts';

export interface GradeSettings {
  /** Episodes of the final grade (0: no final grade). */
  readonly finalEpisodes: number;
  /** First seed of the final grade. */
  readonly seed: number;
  /** Episodes of each periodic grade. */
  readonly periodicEpisodes: number;
  /** Seeds the random player's action stream. */
  readonly randomSeed: number;
}

/**
 * The grade of a learner without periodic grades (A3C, BC, distillation, extraction): the final
 * one only, on seeds from 10,000 + seed (far from its training episodes' seed + episode).
 */
export function finalGradeOnly(config: { readonly evalEpisodes: number; readonly seed: number }): GradeSettings {
  return { finalEpisodes: config.evalEpisodes, seed: 10_000 + config.seed, periodicEpisodes: 0, randomSeed: config.seed + 1 };
}

export function periodicSeed(settings: GradeSettings): number {
  return settings.seed + settings.finalEpisodes;
}

export function gradePolicy(policy: Policy, env: Env<Float32Array>, episodes: number, seed: number, randomSeed: number): Grade {
  const evaluation = evaluate(policy, env, episodes, seed);
  const random = evaluateRandom(env, episodes, seed, Rng.fromSeed(randomSeed));
  return { evaluation, random, seed };
}

export function describeGrade(grade: Grade): string {
  const { evaluation, random } = grade;
  return `greedy return over ${evaluation.returns.length} episodes: ${evaluation.meanReturn.toFixed(2)} ± ${evaluation.stdReturn.toFixed(2)} (random play ${random.meanReturn.toFixed(2)})`;
}
