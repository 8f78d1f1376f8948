/**
 * Model extraction's configuration (Papernot et al. 2017, "Practical Black-Box Attacks against
 * Machine Learning"), strict like the other learners': every field with its default and its source.
 * The attacker sees only the victim's argmax action for observations it submits (oracle.ts).
 */
import { z } from 'zod';
import { parseStrict } from '../../src/core/validation.ts';
import { HIDDEN_ACTIVATIONS } from '../networks.ts';

export const extractConfigSchema = z
  .strictObject({
    /** Registered env id (envs/index.ts): the game the attacker plays to find observations. */
    env: z.string().min(1).default('Pong-v0'),
    /** makeEnv options (frame skip, stack, size, game params). */
    envOptions: z.record(z.string(), z.unknown()).default({}),
    /** The victim's model folder; the attacker only ever sees its argmax actions (a label oracle). */
    victim: z.string().min(1).default('models/pong-dqn'),
    /** Oracle queries in all (one query = one observation labelled); the goal: 50,000. */
    queries: z.int().min(1).default(50_000),
    /**
     * Substitute training rounds ρ; the budget is split evenly over them. Papernot et al. used
     * ρ ≤ 6 on MNIST from 150 seed points; our seed round already spends queries/rounds.
     */
    rounds: z.int().min(1).default(10),
    /**
     * Jacobian augmentation step λ in [0,1] pixel units: x + λ·sign(∂F_y/∂x). Papernot et al.:
     * 0.1 on MNIST. On 84x84x4 frames that moves every pixel by 25 grey levels; 8/255 (≈0.031) is
     * advgym's default (docs/results.md "Model extraction" has the measurement). Augmented points
     * are stored as grey levels (the frames are 8-bit), so multiples of 1/255 are kept exactly.
     */
    lambda: z.number().min(0).max(1).default(8 / 255),
    /** Flip λ's sign every this many augmentation rounds (Papernot et al.'s periodic step size, τ = 3); 0: never. */
    lambdaFlipEvery: z.int().min(0).default(3),
    /**
     * Share of each round after the first spent on Jacobian-augmented points; the rest are states
     * of the substitute's own play labelled by the victim (DAgger, Ross et al. 2011). 1: Papernot's
     * pure augmentation; 0 (default since 2026-12-06): play only. On Pong (docs/results.md "Model
     * extraction") play-only data beat half-and-half by 2.7 points at 20k queries (same schedule): Jacobian points sit
     * around states the victim never visits, and agreement is measured on the states it does.
     */
    jacobianFraction: z.number().min(0).max(1).default(0),
    /**
     * DAgger's mixing β (Ross et al. 2011, "A Reduction of Imitation Learning and Structured
     * Prediction to No-Regret Online Learning": the i-th policy acts with the expert's action with
     * probability β_i): in the attacker's play, the share of steps that execute the oracle's answer
     * for the state instead of the substitute's (or a random) action. Every play state is queried
     * anyway, so acting on its answer costs no extra query and reads nothing but the argmax; it
     * keeps the labelled states near the victim's own state distribution. 0: the substitute (and
     * random play) drive, as Papernot et al. Default 1 since 2026-12-06 (pure behaviour cloning on
     * the victim's own trajectories, DAgger's first iteration): on Pong +2.3 points at 20k queries
     * and 66.1% against 62.9% at 50k over the substitute's play (docs/results.md).
     */
    oracleActs: z.number().min(0).max(1).default(1),
    /** Random actions while the substitute plays (round 0 plays at random throughout); DAgger-style coverage as BC's exploration. */
    playExploration: z.number().min(0).max(1).default(0.1),
    /** The substitute's net (agents/networks.ts): the 2013 DQN net, as BC and the 2013-net DQN substitute. */
    architecture: z.enum(['dqn2013', 'nature2015', 'patch6']).default('dqn2013'),
    /**
     * The substitute's hidden nonlinearity (agents/networks.ts). ReLU left the extracted net's input
     * gradient exactly zero on 84% of the pixels, which starves Jacobian augmentation and transfer.
     */
    activation: z.enum(HIDDEN_ACTIVATIONS).default('relu'),
    /**
     * Cross-entropy updates after each round's queries (training continues from the last round's
     * weights). 800 since 2026-12-06 (was 400): with the annealed learning rate below, +2.0 points
     * at 20k queries on models/pong-dqn and +2.6 at 50k on models/pong-a3c (88.6% → 91.2%;
     * docs/results.md "Model extraction").
     */
    updatesPerRound: z.int().min(1).default(800),
    /** Minibatch size. */
    batchSize: z.int().min(1).default(32),
    /** Adam learning rate (BC's: 5e-4 trains the 2013 net on Pong labels without diverging). */
    learningRate: z.number().positive().default(5e-4),
    /**
     * The learning rate of the last update, reached linearly from learningRate over all updates
     * (the linear annealing of PPO/A3C's Atari settings, Mnih et al. 2016; Schulman et al. 2017),
     * so the last rounds fit the labels with less step noise. Default: a tenth of learningRate
     * (measured with updatesPerRound above; extractLearningRateEnd).
     */
    learningRateEnd: z.number().positive().optional(),
    /** Seed for play, sampling, weights; training episode i resets with seed + i. */
    seed: z.int().default(0),
    /** Episodes of the victim's own greedy play whose states measure agreement (not queries: the evaluator's, never the attacker's). */
    heldOutEpisodes: z.int().min(1).default(2),
    /** First seed of the held-out episodes, far from training seeds (checked disjoint). */
    heldOutSeed: z.int().default(900_000),
    /** Greedy episodes of the substitute's final grade (Huang et al.: 10 rollouts). */
    evalEpisodes: z.int().min(0).default(10),
  })
  .refine((config) => config.queries >= config.rounds, { path: ['queries'], message: 'must be at least rounds (every round queries)' });

export type ExtractConfig = z.output<typeof extractConfigSchema>;
export type ExtractConfigInput = z.input<typeof extractConfigSchema>;

/** The learning rate of the last update: config.learningRateEnd, else a tenth of the first. */
export function extractLearningRateEnd(config: Pick<ExtractConfig, 'learningRate' | 'learningRateEnd'>): number {
  return config.learningRateEnd ?? config.learningRate / 10;
}

export function parseExtractConfig(input: unknown, source = 'extract config'): ExtractConfig {
  return parseStrict(extractConfigSchema, input ?? {}, source);
}
