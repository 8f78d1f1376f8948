/**
 * Defensive distillation's configuration (Papernot et al. 2016), strict like DQN's: every field with
 * its default and where it comes from. Data gathering follows DAgger (Ross et al. 2011): the
 * student's own states, relabelled by the teacher; Q-value teachers are read at a low temperature as
 * in policy distillation (Rusu et al. 2016).
 */
import { z } from 'zod';
import { parseStrict } from '../../src/core/validation.ts';

export const distillConfigSchema = z.strictObject({
  /** Registered env id (envs/index.ts); it must be the teacher's. */
  env: z.string().min(1).default('Pong-v0'),
  /** makeEnv options (frame skip, stack, size, game params): the teacher's. */
  envOptions: z.record(z.string(), z.unknown()).default({}),
  /** The teacher: a trained model folder (any Policy loadPolicy reads: DQN Q-values or A3C logits). */
  teacher: z.string().min(1),
  /**
   * Distillation temperature T: the student is trained on softmax(student / T) and deployed at T = 1,
   * so its logits come out about T times larger than its training targets and its softmax saturates
   * (Papernot et al. 2016: T from 1 to 100; 20-100 masked the gradient most).
   */
  temperature: z.number().positive().default(20),
  /**
   * The temperature tau the teacher's logits are read at: the soft labels are softmax(teacher / tau).
   * Papernot's teacher is itself trained at T, so its softmax at T is a unit-temperature
   * distribution; an advgym teacher is a unit-temperature policy already. null = by the teacher's
   * kind: 0.01 for DQN Q-values (Rusu et al. 2016, policy distillation: Q-value gaps are small, so
   * softmax(Q) would be near uniform), 1 for policy logits (A3C, BC).
   */
  teacherTemperature: z.number().positive().nullable().default(null),
  /** Student network: 'teacher' (default: the teacher's architecture, from its config.json) or one of agents/networks.ts. */
  architecture: z.enum(['teacher', 'dqn2013', 'nature2015', 'patch6']).default('teacher'),
  /** Gradient updates (the run's steps). */
  totalSteps: z.int().min(1).default(20_000),
  /** Minibatch size (as DQN, Mnih et al. 2015: 32). */
  batchSize: z.int().min(1).default(32),
  /** Adam learning rate (Rusu et al. 2016 used RMSProp at 1e-4; Adam at the same rate, as our DQN). */
  learningRate: z.number().positive().default(1e-4),
  /** States kept for training, newest replace oldest (28 KB each at 84x84x4: 25k = 0.7 GB). */
  datasetSize: z.int().min(1).default(25_000),
  /** Env steps collected (and relabelled) before the first update, by the teacher's own play. */
  warmupSteps: z.int().min(0).default(5_000),
  /** Env steps collected per update afterwards. */
  collectPerUpdate: z.int().min(1).default(1),
  /**
   * DAgger's beta (Ross et al. 2011): the share of collection steps where the teacher's action is
   * taken, the rest the student's greedy action. Linear from 1 at update 0 to `teacherShareEnd` at
   * update `teacherShareSteps`: the teacher's play first, then more and more the student's own states.
   */
  teacherShareEnd: z.number().min(0).max(1).default(0),
  teacherShareSteps: z.int().min(1).default(10_000),
  /** Seed for the student's init, collection and minibatches. */
  seed: z.int().default(0),
  /** Greedy episodes of the final grade (Huang et al.: 10 rollouts). */
  evalEpisodes: z.int().min(0).default(10),
  /** Updates between training.csv rows. */
  logInterval: z.int().min(1).default(500),
  /** Updates between checkpoints (OUT/checkpoint: student, Adam, counters, rng; the dataset is re-collected on resume). */
  checkpointInterval: z.int().min(1).default(5_000),
});

export type DistillConfig = z.output<typeof distillConfigSchema>;
export type DistillConfigInput = z.input<typeof distillConfigSchema>;

export function parseDistillConfig(input: unknown, source = 'distill config'): DistillConfig {
  return parseStrict(distillConfigSchema, input ?? {}, source);
}

/** DAgger's beta at an update: linear from 1 to teacherShareEnd over teacherShareSteps. */
export function teacherShareAt(config: Pick<DistillConfig, 'teacherShareEnd' | 'teacherShareSteps'>, update: number): number {
  const fraction = Math.min(1, update / config.teacherShareSteps);
  return 1 + fraction * (config.teacherShareEnd - 1);
}
