/**
 * Behaviour cloning's configuration, strict like DQN's and A3C's: every field with its default and
 * why. Sources: Ross et al. 2011 (DAgger) for labelling states off the teacher's path; the values
 * themselves are advgym's, sized for a competent Pong victim in about a minute on 2 CPU cores.
 */
import { z } from 'zod';
import { parseStrict } from '../../src/core/validation.ts';

export const bcConfigSchema = z.strictObject({
  /** Registered env id (envs/index.ts). */
  env: z.string().min(1).default('Pong-v0'),
  /** makeEnv options (frame skip, stack, size, game params such as pointsToWin). */
  envOptions: z.record(z.string(), z.unknown()).default({}),
  /**
   * Who labels the observations: 'scripted' (the game's scripted player, envs/scriptedPlayers.ts)
   * or a trained model folder (any Policy loadPolicy reads: distillation, model extraction).
   */
  teacher: z.string().min(1).default('scripted'),
  /** Teacher-labelled observations collected before training (12k: ~100 Pong rallies). */
  samples: z.int().min(1).default(12_000),
  /** Probability of a random action while collecting; the teacher still labels (DAgger-style coverage, Ross et al. 2011). */
  exploration: z.number().min(0).max(1).default(0.3),
  /** Gradient updates (the run's "steps"). */
  totalSteps: z.int().min(1).default(1_500),
  /** Minibatch size (as DQN's, Mnih et al. 2015: 32). */
  batchSize: z.int().min(1).default(32),
  /** Adam learning rate (5e-4: converges in ~1k updates on the 2013 DQN net without diverging). */
  learningRate: z.number().positive().default(5e-4),
  /** Seed for data collection, weights and minibatches. */
  seed: z.int().default(0),
  /** Greedy episodes of the final grade (Huang et al.: 10 rollouts). */
  evalEpisodes: z.int().min(0).default(10),
  /** Updates between training.csv rows. */
  logInterval: z.int().min(1).default(50),
});

export type BcConfig = z.output<typeof bcConfigSchema>;
export type BcConfigInput = z.input<typeof bcConfigSchema>;

export function parseBcConfig(input: unknown, source = 'bc config'): BcConfig {
  return parseStrict(bcConfigSchema, input ?? {}, source);
}
