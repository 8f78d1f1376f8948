/**
 * The PPO configuration (Schulman et al. 2017, "Proximal Policy Optimization Algorithms"): every
 * hyper-parameter with its default and its source. Defaults follow the paper's Atari table
 * (Table 5), with CleanRL's ppo_atari.py where the paper is silent or where noted.
 */
import { z } from 'zod';
import { parseStrict } from '../../src/core/validation.ts';
import { onPolicyFields } from '../onpolicy/config.ts';

export const ppoConfigSchema = z.strictObject({
  ...onPolicyFields,
  /** Total env (agent) steps over all envs (paper: 10M timesteps = 40M frames; our games need far fewer). */
  totalSteps: z.int().min(1).default(2_000_000),
  /** Parallel actors stepped in lockstep (paper: 8 actors). */
  numEnvs: z.int().min(1).max(256).default(8),
  /** Steps per actor per rollout (paper: horizon T = 128). */
  numSteps: z.int().min(1).max(100_000).default(128),
  /** Passes over each rollout (paper: 3 epochs; CleanRL: 4). */
  epochs: z.int().min(1).max(100).default(3),
  /** Samples per minibatch (paper: 32 x 8 actors = 256; CleanRL: 4 minibatches of 8 x 128 = 256). */
  minibatchSize: z.int().min(1).default(256),
  /** Adam step size (paper: 2.5e-4, annealed). */
  learningRate: z.number().gt(0).max(1).default(2.5e-4),
  /** Decay the step size linearly to 0 over totalSteps (paper: x alpha, alpha 1 -> 0). */
  annealLearningRate: z.boolean().default(true),
  /** Adam epsilon (CleanRL: 1e-5; torch's default 1e-8 is what the paper's baselines code had). */
  adamEpsilon: z.number().gt(0).default(1e-5),
  /** Clipping parameter epsilon of the surrogate (paper: 0.1, annealed). */
  clipRange: z.number().gt(0).max(1).default(0.1),
  /** Decay the clip range linearly to 0 with the step size (paper: 0.1 x alpha). */
  annealClipRange: z.boolean().default(true),
  /** Clip the value loss around the rollout's values with the same range (CleanRL clip_vloss: on; baselines ppo2). */
  clipValueLoss: z.boolean().default(true),
  /** Value-loss coefficient c1 (paper: 1 with its squared-error form; CleanRL: 0.5 with 0.5 * (V - R)^2). */
  valueCoef: z.number().min(0).default(0.5),
  /** Entropy coefficient c2 (paper: 0.01). */
  entropyCoef: z.number().min(0).default(0.01),
  /** Clip each minibatch gradient to this global l2 norm (CleanRL and baselines ppo2: 0.5). */
  maxGradNorm: z.number().gt(0).default(0.5),
  /**
   * Threads computing each minibatch gradient: 1 (this thread) or 2 (a worker thread takes half of
   * every minibatch; gradientThread.ts). bench/onpolicy.ts: 1.60x per minibatch on 2 free cores,
   * slower than 1 on cores other jobs hold. The sum order differs, so 1 and 2 give runs that agree
   * in law, not bit for bit; each is deterministic under its seed. Default 1: models/pong-ppo's.
   */
  gradientThreads: z.int().min(1).max(2).default(1),
});

export type PpoConfigInput = z.input<typeof ppoConfigSchema>;
export type PpoConfig = z.output<typeof ppoConfigSchema>;

export function resolvePpoConfig(input: unknown, source = 'ppo config'): PpoConfig {
  return parseStrict(ppoConfigSchema, input ?? {}, source);
}

/** The annealing factor alpha at training progress p in [0, 1] (1 -> 0 linearly). */
export function annealFactor(progress: number): number {
  return Math.max(0, 1 - progress);
}
