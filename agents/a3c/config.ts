/**
 * The A3C configuration: every hyper-parameter with its default and where the default comes from.
 * Validated strictly (unknown keys are errors); a bad field is a one-line UserError naming it.
 *
 * Sources: Mnih et al. 2016, "Asynchronous Methods for Deep Reinforcement Learning" (A3C FF);
 * muupan/async-rl (the Chainer reproduction that matched the paper's Atari scores, and whose
 * RMSProp settings fill the paper's gaps); CleanRL / Stable-Baselines3 A2C for the loss weights.
 */
import { z } from 'zod';
import { parseStrict } from '../../src/core/validation.ts';
import { adversarialTrainingSchema } from '../training/adversarialTraining.ts';

export const a3cConfigSchema = z.strictObject({
  /** Env id for makeEnv, e.g. 'Pong-v0' or 'Seaquest-v0'. */
  env: z.string().min(1).default('Pong-v0'),
  /** Options passed to makeEnv (frameSkip, game params, ...); defaults give 84x84x4 as in DQN. */
  envOptions: z.record(z.string(), z.unknown()).default({}),
  /** Total env (agent) steps over all workers; the paper reports Pong learned in well under 20M frames. */
  totalSteps: z.int().min(1).default(2_000_000),
  /** Actor-learner threads; unset = os.availableParallelism() (the paper: 16 CPU threads). */
  workers: z.int().min(1).max(64).optional(),
  /** n of the n-step return: steps per rollout before an update (paper: t_max = 5). */
  tMax: z.int().min(1).max(1_000).default(5),
  /** Discount (paper: 0.99). */
  gamma: z.number().gt(0).max(1).default(0.99),
  /** Shared RMSProp learning rate (paper: sampled log-uniform in [1e-4, 1e-2]; 7e-4 is the usual single choice, SB3/baselines). */
  learningRate: z.number().gt(0).max(1).default(7e-4),
  /** Decay the learning rate linearly to 0 over totalSteps (paper: annealed to 0). */
  annealLearningRate: z.boolean().default(true),
  /** RMSProp decay alpha (paper: 0.99). */
  rmspropDecay: z.number().gt(0).lt(1).default(0.99),
  /** RMSProp epsilon, added inside the square root (muupan/async-rl: 0.1, matching the paper's update rule). */
  rmspropEpsilon: z.number().gt(0).default(0.1),
  /** Clip training rewards to [-c, c], 0 = off (paper, as DQN: clipped to [-1, 1]). Logged returns stay unclipped. */
  rewardClip: z.number().min(0).default(1),
  /**
   * Cut the learning target's bootstrap when a life is lost (Mnih et al. 2015/2016 Atari training,
   * CleanRL's EpisodicLifeEnv); the episode itself goes on. No effect in games without lives (Pong-like).
   */
  terminalOnLifeLoss: z.boolean().default(true),
  /** Entropy bonus weight beta (paper: 0.01). */
  entropyBeta: z.number().min(0).default(0.01),
  /** Weight of the value loss 1/2 (R - V)^2 in the total loss (muupan/async-rl and SB3: 0.5). */
  valueLossCoef: z.number().min(0).default(0.5),
  /** Clip each worker's gradient to this global l2 norm before applying (universe-starter-agent: 40). */
  maxGradNorm: z.number().gt(0).default(40),
  /** Trunk: 'dqn2013' (the 2013 DQN net the paper's A3C FF uses), 'nature2015', or 'mlp' for tiny test envs. */
  network: z.enum(['dqn2013', 'nature2015', 'mlp']).default('dqn2013'),
  /** Run seed: fixes the weight init and every worker's env and action-sampling seeds. */
  seed: z.int().default(0),
  /** Write a checkpoint (model folder + optimizer state) every this many env steps. */
  checkpointEverySteps: z.int().min(1).default(100_000),
  /** Add a training.csv row every this many env steps. */
  logEverySteps: z.int().min(1).default(10_000),
  /** Greedy evaluation episodes at the end of training (Huang et al.: 10 rollouts). */
  evalEpisodes: z.int().min(0).default(10),
  /** Tensor backend inside the workers ('auto' = node > wasm > cpu). */
  backend: z.enum(['auto', 'node', 'wasm', 'cpu']).default('auto'),
  /**
   * A model folder (e.g. models/pong-a3c) whose weights start a fresh run; RMSProp statistics and
   * counters start afresh. RADIAL-A3C (Oikarinen et al. 2021) fine-tunes pretrained agents this way. null = seeded init.
   */
  initFrom: z.string().min(1).nullable().default(null),
  /**
   * Adversarial training (agents/training/adversarialTraining.ts); null = off. 'act': a worker samples
   * its action from the policy at the attacked observation and learns on that observation (on-policy:
   * log pi(a|s') is what it sampled from); 'learn': each rollout's observations are attacked before
   * the loss. Needs the lab's hook module (`advgym train a3c` passes it).
   */
  adversarialTraining: adversarialTrainingSchema.nullable().default(null),
});

export type A3cConfigInput = z.input<typeof a3cConfigSchema>;
export type A3cConfig = z.output<typeof a3cConfigSchema>;

/** Validates a config object (from JSON or CLI flags) and fills in defaults. */
export function resolveA3cConfig(input: unknown, source = 'a3c config'): A3cConfig {
  return parseStrict(a3cConfigSchema, input ?? {}, source);
}
