/** Toy random search (Mania et al. 2018, hill climbing): the recipe check of docs/extending.md. */
import { z } from 'zod';
import { parseStrict } from '../../src/core/validation.ts';

export const randomSearchConfigSchema = z.strictObject({
  /** Registered env id (envs/index.ts). */
  env: z.string().min(1).default('Pong-v0'),
  /** makeEnv options. */
  envOptions: z.record(z.string(), z.unknown()).default({}),
  /** Candidates tried (one episode each). */
  totalSteps: z.int().min(1).default(100),
  /** Gaussian perturbation size of every weight (Mania et al.: 0.02-0.05). */
  sigma: z.number().positive().default(0.05),
  /** Seed for weights, perturbations and episodes. */
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
