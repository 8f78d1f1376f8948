/**
 * Every DQN hyper-parameter in one strict, documented schema (CleanRL style). Defaults follow Mnih
 * et al. 2015 ("Nature DQN") where our smaller games allow, and are shortened for speed on 2 CPU
 * cores where noted; each field says where its value comes from.
 */
import { z } from 'zod';
import { parseStrict } from '../../src/core/validation.ts';
import { adversarialTrainingSchema } from '../training/adversarialTraining.ts';

/**
 * SA-DQN's state-adversarial hinge regularizer with the PGD solver (Zhang et al. 2020;
 * agents/dqn/saRegularizer.ts). Defaults from chenhongge/SA_DQN defaults.json / Pong_pgd.json.
 */
export const saRegularizerSchema = z.strictObject({
  /** Weight of the hinge in the loss (SA_DQN defaults.json: kappa 0.005). */
  kappa: z.number().min(0).default(0.005),
  /** Final l-inf radius in [0,1] pixels (SA_DQN: 0.00392 = 1/255). */
  eps: z.number().min(0).max(1).default(1 / 255),
  /** Agent steps over which eps grows linearly from 0 (SA_DQN: schedule_length 4M; ours shorter for fine-tuning). 0 = full eps at once. */
  epsRampSteps: z.int().min(0).default(100_000),
  /** Step where the ramp starts (SA_DQN from scratch: schedule_start 1.5M; 0 when fine-tuning a trained agent, as RADIAL). */
  epsRampStart: z.int().min(0).default(0),
  /** PGD iterations of the inner maximization (SA_DQN defaults.json training attack: niters 5; it tests with 10). */
  pgdSteps: z.int().min(1).max(100).default(5),
  /** PGD starts at a random point of the ball (SA_DQN: random_start true). */
  randomStart: z.boolean().default(true),
  /** The hinge's margin c: max(0, max_{a != a*} Q(s', a) - Q(s', a*) + c) (SA_DQN: hinge_c 1). */
  margin: z.number().min(0).default(1),
});

export type SaRegularizerConfig = z.output<typeof saRegularizerSchema>;

export const dqnConfigSchema = z.strictObject({
  /** Registered env id (envs/index.ts). */
  env: z.string().min(1).default('Pong-v0'),
  /** makeEnv options (frame skip, stack, size, game params). Defaults = the DQN preprocessing. */
  envOptions: z.record(z.string(), z.unknown()).default({}),
  /** 'dqn2013' (Mnih et al. 2013, default: ~0.68M params, fast on CPU), 'nature2015', or 'patch6' (advgym's: 6x6 patches first, a 1.6-1.8x faster training loop; agents/networks.ts). */
  architecture: z.enum(['dqn2013', 'nature2015', 'patch6']).default('dqn2013'),
  /** Seed for weights, exploration, replay sampling and training episodes. */
  seed: z.int().default(0),
  /** Agent steps (env steps after frame skip) to train for. Nature: 50M frames; ours: far fewer. */
  totalSteps: z.int().min(1).default(500_000),
  /** Replay capacity in transitions. Nature and CleanRL's dqn_atari: 1M; ours 100k (7,064 B each: 0.71 GB). */
  bufferSize: z.int().min(2).default(100_000),
  /** Random-policy steps before learning starts. Nature: 50k; CleanRL: 80k; ours 10k for speed. */
  learningStarts: z.int().min(0).default(10_000),
  /** Agent steps between gradient updates. Nature and CleanRL: 4. */
  trainFrequency: z.int().min(1).default(4),
  /** Minibatch size. Nature: 32. */
  batchSize: z.int().min(1).default(32),
  /** Discount. Nature: 0.99. */
  gamma: z.number().min(0).max(1).default(0.99),
  /** Adam learning rate. CleanRL Atari: 1e-4 (Nature used RMSProp 2.5e-4). */
  learningRate: z.number().positive().default(1e-4),
  /**
   * Learning-rate schedule: null (default) keeps `learningRate` constant, as Nature DQN and
   * CleanRL do. A number anneals linearly from `learningRate` at step `learningRateDecayStart` to
   * this value at `totalSteps` (the A3C's annealing, Mnih et al. 2016), so late updates stop
   * shaking a greedy policy that is nearly right.
   */
  learningRateEnd: z.number().min(0).nullable().default(null),
  /** Agent step where the annealing starts (e.g. the step a resumed run continues from). */
  learningRateDecayStart: z.int().min(0).default(0),
  /** Adam epsilon. PyTorch/CleanRL 1e-8; Dopamine 1.5e-4, which damps steps on rarely-seen weights. */
  adamEpsilon: z.number().positive().default(1.5e-4),
  /** Agent steps between target-network syncs. Nature: 10k; CleanRL: 1k (faster on short runs). */
  targetUpdateInterval: z.int().min(1).default(1_000),
  /** Global-norm gradient clip (SB3 DQN: 10). 0 disables. */
  maxGradNorm: z.number().min(0).default(10),
  /** Huber loss delta (Nature clips the TD error to [-1, 1], the same as Huber with delta 1). */
  huberDelta: z.number().positive().default(1),
  /** Clip training rewards to [-c, c], 0 = off (Nature: clipped to [-1, 1]). Logged returns stay in game points. */
  rewardClip: z.number().min(0).default(1),
  /**
   * Cut the learning target's bootstrap when a life is lost (Mnih et al. 2015/2016 Atari training,
   * CleanRL's EpisodicLifeEnv); the episode itself goes on. No effect in games without lives (Pong-like).
   */
  terminalOnLifeLoss: z.boolean().default(true),
  /**
   * Multi-step targets: sum n discounted rewards before bootstrapping (Sutton 1988; Rainbow,
   * Hessel et al. 2018: 3). 1 = the one-step targets of Nature DQN.
   */
  nStep: z.int().min(1).max(20).default(1),
  /**
   * Proportional prioritized replay (Schaul et al. 2016; Rainbow, Hessel et al. 2018): sample
   * transitions in proportion to (|TD error| + priorityEpsilon)^priorityAlpha, weight their loss by
   * importance weights with exponent beta. false = uniform replay, as Nature DQN.
   */
  prioritizedReplay: z.boolean().default(false),
  /** Priority exponent. Rainbow: 0.5; Schaul et al. (proportional): 0.6. */
  priorityAlpha: z.number().min(0).max(1).default(0.5),
  /** Importance-sampling exponent at step 0, annealed linearly to 1 at totalSteps. Rainbow and Schaul et al.: 0.4. */
  priorityBetaStart: z.number().min(0).max(1).default(0.4),
  /** Added to |TD error| so every transition keeps a chance of replay. */
  priorityEpsilon: z.number().positive().default(1e-6),
  /**
   * Advantage learning (Bellemare et al. 2016: 0.9): lower each non-greedy action's target by alpha
   * times its gap to the greedy one under the target net, widening the action gaps by 1 / (1 - alpha)
   * so that small errors of the net flip fewer greedy choices. 0 = plain DQN targets. Costs one
   * more forward pass of the target net per update.
   */
  advantageLearningAlpha: z.number().min(0).lt(1).default(0),
  /**
   * Quantile regression DQN (Dabney et al. 2018; agents/dqn/quantiles.ts): the head gives this many
   * quantiles of the return per action, trained with the quantile Huber loss (kappa = huberDelta),
   * and the Q-value is their mean. 0 = plain DQN. Dabney et al.: 200; Dopamine's QR-DQN: 200.
   * Model files hold the folded mean (a plain Q-network). Resuming a plain checkpoint with
   * quantiles > 0 starts every quantile at its action's Q-value (and a fresh Adam).
   */
  quantiles: z.int().min(0).max(256).default(0),
  /** Double DQN targets (van Hasselt et al. 2016): online net picks, target net evaluates. */
  doubleDqn: z.boolean().default(true),
  /** Epsilon-greedy: linear decay from start to end over `epsilonDecaySteps` (Nature: 1 -> 0.1 over 1M frames). */
  epsilonStart: z.number().min(0).max(1).default(1),
  epsilonEnd: z.number().min(0).max(1).default(0.01),
  epsilonDecaySteps: z.int().min(1).default(120_000),
  /** Agent steps between greedy evaluations (OUT's model files hold the best so far until the final weights replace them). */
  evalInterval: z.int().min(1).default(25_000),
  /** Greedy episodes per periodic evaluation (episode i seeded evalSeed + finalEvalEpisodes + i: never the final's seeds). */
  evalEpisodes: z.int().min(1).default(3),
  /** Episodes of the final evaluation recorded in agent.json. */
  finalEvalEpisodes: z.int().min(1).default(10),
  /** Seed of the final evaluation's episodes (seed + episode index), disjoint from training seeds; periodic ones follow them. */
  evalSeed: z.int().default(10_000),
  /** Agent steps between progress lines / CSV rows. */
  logInterval: z.int().min(1).default(2_000),
  /** Agent steps between checkpoints (and training.csv / learning-curve.png refreshes). */
  checkpointInterval: z.int().min(1).default(25_000),
  /**
   * Agent steps between weight snapshots, OUT/snapshots/step-N/ (a model folder each, 2.7 MB for the
   * 2013 network), for `advgym average` (stochastic weight averaging, Izmailov et al. 2018). 0 = none.
   */
  snapshotInterval: z.int().min(0).default(0),
  /**
   * Save the replay buffer in each checkpoint (replay.bin: the uint8 frames as stored, ~7 KB per
   * transition at 84x84, so up to 0.7 GB for 100k) and restore it on resume. false (default, as
   * before): a resumed run refills the buffer with `learningStarts` fresh steps before learning.
   */
  saveReplay: z.boolean().default(false),
  /** First agent step that may be snapshotted: averaging wants the annealed end of a run, not its start. */
  snapshotStart: z.int().min(0).default(0),
  /**
   * A model folder (e.g. models/pong-dqn) whose weights start a fresh run, online and target (a
   * plain Q-network spreads into a quantile net as on resume); Adam, counters and replay start
   * afresh. RADIAL (Oikarinen et al. 2021) fine-tunes pretrained agents this way. null = random init.
   */
  initFrom: z.string().min(1).nullable().default(null),
  /** Adversarial training (agents/training/adversarialTraining.ts); null = off. Needs the lab's hook (`advgym train dqn` builds it). */
  adversarialTraining: adversarialTrainingSchema.nullable().default(null),
  /** SA-DQN's hinge regularizer, PGD solver (Zhang et al. 2020); null = off. Needs the lab's hook (`advgym train dqn` builds it). */
  saRegularizer: saRegularizerSchema.nullable().default(null),
});

export type DqnConfig = z.output<typeof dqnConfigSchema>;
export type DqnConfigInput = z.input<typeof dqnConfigSchema>;

/** Validates a config object (file + flag overrides); the first problem is a one-line UserError naming the field. */
export function parseDqnConfig(input: unknown, source = 'config'): DqnConfig {
  return parseStrict(dqnConfigSchema, input ?? {}, source);
}

/** The learning rate at `step`: constant, or linear from decay start to `learningRateEnd` at totalSteps. */
export function learningRateAt(config: Pick<DqnConfig, 'learningRate' | 'learningRateEnd' | 'learningRateDecayStart' | 'totalSteps'>, step: number): number {
  if (config.learningRateEnd === null || step <= config.learningRateDecayStart) return config.learningRate;
  const span = config.totalSteps - config.learningRateDecayStart;
  const fraction = span <= 0 ? 1 : Math.min(1, (step - config.learningRateDecayStart) / span);
  return config.learningRate + fraction * (config.learningRateEnd - config.learningRate);
}

/** Linear epsilon schedule (Nature DQN). */
export function epsilonAt(config: Pick<DqnConfig, 'epsilonStart' | 'epsilonEnd' | 'epsilonDecaySteps'>, step: number): number {
  const fraction = Math.min(1, step / config.epsilonDecaySteps);
  return config.epsilonStart + fraction * (config.epsilonEnd - config.epsilonStart);
}

/** Prioritized replay's importance-sampling exponent: linear from priorityBetaStart at step 0 to 1 at totalSteps. */
export function priorityBetaAt(config: Pick<DqnConfig, 'priorityBetaStart' | 'totalSteps'>, step: number): number {
  const fraction = Math.min(1, step / config.totalSteps);
  return config.priorityBetaStart + fraction * (1 - config.priorityBetaStart);
}
