/**
 * The fields PPO and TRPO share (spread into each one's strict schema, agents/ppo/config.ts and
 * agents/trpo/config.ts, which give the defaults their own papers use where they differ).
 */
import { z } from 'zod';

export const onPolicyFields = {
  /** Env id for makeEnv, e.g. 'Pong-v0' or 'Seaquest-v0'. */
  env: z.string().min(1).default('Pong-v0'),
  /** Options passed to makeEnv; defaults give 84x84x4 as in DQN. */
  envOptions: z.record(z.string(), z.unknown()).default({}),
  /** Discount (PPO Atari table and TRPO: 0.99). */
  gamma: z.number().gt(0).max(1).default(0.99),
  /** GAE lambda (PPO Atari table: 0.95; Schulman et al. 2016: 0.95-0.97). */
  gaeLambda: z.number().min(0).max(1).default(0.95),
  /** Normalize advantages to mean 0, std 1 (CleanRL norm_adv: per minibatch for PPO, per batch for TRPO). */
  normalizeAdvantages: z.boolean().default(true),
  /** Clip training rewards to [-c, c], 0 = off (Mnih et al. 2015, as every Atari learner; PPO and TRPO Atari runs too). */
  rewardClip: z.number().min(0).default(1),
  /** Cut the bootstrap when a life is lost (CleanRL's EpisodicLifeEnv); no effect in games without lives. */
  terminalOnLifeLoss: z.boolean().default(true),
  /**
   * Trunk of the nets: 'dqn2013' (the A3C's net, ~3x cheaper than the Nature net, enough for our
   * games on 2 CPU cores), 'nature2015' (the PPO paper's), 'patch6', or 'mlp' for tiny test envs.
   */
  network: z.enum(['dqn2013', 'nature2015', 'patch6', 'mlp']).default('dqn2013'),
  /** Run seed: weight init, env episode seeds, action sampling and minibatch shuffles. */
  seed: z.int().default(0),
  /** Write a checkpoint (OUT/checkpoint/) every this many env steps (at the next rollout boundary). */
  checkpointEverySteps: z.int().min(1).default(50_000),
  /** Add a training.csv row every this many env steps (at the next rollout boundary). */
  logEverySteps: z.int().min(1).default(10_000),
  /** Greedy grade every this many env steps (0 = only the final grade); the best one's weights stay in OUT meanwhile. */
  evalEverySteps: z.int().min(0).default(0),
  /** Episodes of each periodic grade. */
  periodicEvalEpisodes: z.int().min(1).default(3),
  /** Greedy evaluation episodes at the end (Huang et al.: 10 rollouts). */
  evalEpisodes: z.int().min(0).default(10),
  /** First seed of the final grade (far from the training episodes' seeds). */
  evalSeed: z.int().default(10_000),
  /** Tensor backend ('auto' = node > wasm > cpu). */
  backend: z.enum(['auto', 'node', 'wasm', 'cpu']).default('auto'),
};

export interface OnPolicyConfig {
  readonly env: string;
  readonly envOptions: Record<string, unknown>;
  readonly totalSteps: number;
  readonly numEnvs: number;
  readonly numSteps: number;
  readonly gamma: number;
  readonly gaeLambda: number;
  readonly normalizeAdvantages: boolean;
  readonly rewardClip: number;
  readonly terminalOnLifeLoss: boolean;
  readonly network: 'dqn2013' | 'nature2015' | 'patch6' | 'mlp';
  readonly seed: number;
  readonly checkpointEverySteps: number;
  readonly logEverySteps: number;
  readonly evalEverySteps: number;
  readonly periodicEvalEpisodes: number;
  readonly evalEpisodes: number;
  readonly evalSeed: number;
  readonly backend: 'auto' | 'node' | 'wasm' | 'cpu';
}
