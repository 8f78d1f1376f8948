/**
 * The TRPO configuration (Schulman et al. 2015, "Trust Region Policy Optimization", single path,
 * with GAE from Schulman et al. 2016): every hyper-parameter with its default and its source.
 */
import { z } from 'zod';
import { parseStrict } from '../../src/core/validation.ts';
import { onPolicyFields } from '../onpolicy/config.ts';

export const trpoConfigSchema = z.strictObject({
  ...onPolicyFields,
  /** Total env (agent) steps over all envs. */
  totalSteps: z.int().min(1).default(2_000_000),
  /** Envs stepped in lockstep (advgym: 8, as PPO's actors; the paper ran single-path rollouts). */
  numEnvs: z.int().min(1).max(256).default(8),
  /**
   * Steps per env per update: 8 x 256 = 2,048 per batch (advgym's choice for 2 CPU cores; the
   * paper's Atari batches were 100,000 steps, baselines' trpo_mpi 1,024 per worker).
   */
  numSteps: z.int().min(1).max(100_000).default(256),
  /** Mean-KL trust region delta (paper: 0.01). */
  maxKl: z.number().gt(0).default(0.01),
  /** Conjugate-gradient iterations for F^-1 g (paper, Appendix C: 10). */
  cgIterations: z.int().min(1).max(100).default(10),
  /** Damping added to the Fisher, F + d I (modular_rl, the paper's code: 0.1). */
  cgDamping: z.number().min(0).default(0.1),
  /** Share of the batch the Fisher-vector products use (paper, Appendix C: 10%; baselines: every 5th). */
  fisherFraction: z.number().gt(0).max(1).default(0.1),
  /** Halvings of the step the line search tries (modular_rl: 10). */
  lineSearchBacktracks: z.int().min(1).max(30).default(10),
  /** Minimum actual / expected surrogate improvement to accept a step (modular_rl: 0.1). */
  lineSearchAcceptRatio: z.number().min(0).default(0.1),
  /** Value net: Adam step size (advgym; baselines trpo_mpi Atari: 1e-4 with 3 passes, too slow to fit here). */
  valueLearningRate: z.number().gt(0).max(1).default(5e-4),
  /** Value net: passes over each batch (baselines trpo_mpi Atari: 3). */
  valueEpochs: z.int().min(1).max(100).default(3),
  /** Value net: minibatch size (advgym: 256, PPO's). */
  valueMinibatchSize: z.int().min(1).default(256),
  /** Value net: clip each minibatch gradient to this global l2 norm (as PPO: 0.5). */
  valueMaxGradNorm: z.number().gt(0).default(0.5),
  /** Adam epsilon of the value net (CleanRL's 1e-5). */
  adamEpsilon: z.number().gt(0).default(1e-5),
});

export type TrpoConfigInput = z.input<typeof trpoConfigSchema>;
export type TrpoConfig = z.output<typeof trpoConfigSchema>;

export function resolveTrpoConfig(input: unknown, source = 'trpo config'): TrpoConfig {
  return parseStrict(trpoConfigSchema, input ?? {}, source);
}
