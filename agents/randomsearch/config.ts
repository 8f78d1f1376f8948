/**
 * TOY (proves the add-an-algorithm recipe of docs/extending.md; removed in the next commit).
 * Random-search hill climbing of a linear policy's weights. Sources: Mania et al. 2018, "Simple
 * random search provides a competitive approach to reinforcement learning" (linear policies,
 * Gaussian weight perturbations); the values are advgym's, sized for a seconds-long toy run.
 */
import { z } from 'zod';
import { parseStrict } from '../../src/core/validation.ts';

export const randomSearchConfigSchema = z.strictObject({
  /** Registered env id (envs/index.ts); the common --env flag sets it. */
  env: z.string().min(1).default('Pong-v0'),
  /** makeEnv options: small frames and short matches, so one candidate episode takes milliseconds. */
  envOptions: z.record(z.string(), z.unknown()).default({ size: 16, frameStack: 2, maxEpisodeSteps: 200, game: { pointsToWin: 1 } }),
  /** Hill-climbing steps, each one candidate episode against the current weights (--steps). */
  totalSteps: z.int().min(1).default(50),
  /** Standard deviation of the Gaussian weight perturbation (Mania et al. 2018 use 0.01-0.05 on scaled inputs). */
  sigma: z.number().positive().default(0.05),
  /** Seed for the perturbations and the candidate episodes (--seed). */
  seed: z.int().default(0),
  /** Greedy episodes of the final grade. */
  evalEpisodes: z.int().min(0).default(3),
  /** Steps between training.csv rows. */
  logInterval: z.int().min(1).default(5),
});

export type RandomSearchConfig = z.output<typeof randomSearchConfigSchema>;

export function parseRandomSearchConfig(input: unknown, source = 'randomsearch config'): RandomSearchConfig {
  return parseStrict(randomSearchConfigSchema, input ?? {}, source);
}
