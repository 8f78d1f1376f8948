/**
 * Shared shapes of the adversary module: what an attack takes and returns, and how a timing
 * strategy decides which steps are attacked. Attacks depend only on the Policy interface.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../../../agents/policy.ts';
import type { Rng } from '../../core/rng.ts';

export type Norm = 'linf' | 'l2' | 'l1';

/** Which frames of the [H, W, k] stack an attack may change: Huang et al. perturb only the newest. */
export type Scope = 'newest' | 'all';

export interface PerturbationBudget {
  /** Radius in the chosen norm, in units of the [0, 1] pixel range (1/255 is one grey level). */
  readonly eps: number;
  readonly norm: Norm;
  /** Default 'newest'. */
  readonly scope?: Scope;
  /** Round the perturbed observation to 8-bit grey levels (k/255) after clipping. Default false. */
  readonly quantize?: boolean;
}

export interface FgsmOptions extends PerturbationBudget {
  /** Push towards this action (targeted); without it, away from the policy's own best action. */
  readonly targetAction?: number;
}

/** The gradient attacks' choice of loss (losses.ts). Default: Huang et al.'s cross-entropy at T = 1. */
export interface LossOptions {
  /** 'ce' (default): cross-entropy of softmax(z / T); 'margin': Carlini & Wagner's logit margin. */
  readonly loss?: 'ce' | 'margin';
  /** Softmax temperature T of the ce loss; default 1. Not for the margin (scale-free). */
  readonly temperature?: number;
}

export interface GradientAttackOptions extends FgsmOptions, LossOptions {}

export interface PgdOptions extends GradientAttackOptions {
  /** Number of gradient steps (SA-DQN uses 10 or 50). */
  readonly steps: number;
  /** Step size per iteration in the same norm; default 2.5 * eps / steps (Madry et al.). */
  readonly stepSize?: number;
  /** Start from a uniformly random point of the eps-ball; needs an rng. */
  readonly randomStart?: boolean;
  /**
   * Independent runs (Madry et al. 2018); per observation the result with the largest loss is kept.
   * Run 0 starts as randomStart says (the clean point by default), runs 1.. from random points of
   * the ball. Default 1; more than 1 needs an rng.
   */
  readonly restarts?: number;
}

/**
 * An attack maps (policy, clean observation batch) to a perturbed observation batch of the same
 * shape, clipped to [0, 1]. It must leave no tensors behind except its result.
 */
export type Attack = (policy: Policy, obs: tf.Tensor4D, rng: Rng) => tf.Tensor4D;

/** What a timing strategy sees before deciding whether to attack the current step. */
export interface TimingContext {
  /** Index of the step within the episode, from 0. */
  readonly step: number;
  /** Victim's (or substitute's) action distribution on the clean observation: softmax(logits). */
  readonly probabilities: Float32Array;
  /** Steps attacked so far in this episode. */
  readonly attackedSoFar: number;
}

export interface TimingStrategy {
  readonly name: string;
  /**
   * Whether shouldAttack reads `probabilities`. When it does not (every step, every N-th, a plain
   * budget), the adversary may run the attack before knowing the clean action and read that action
   * off the attack's own forward pass at the clean observation: one forward pass fewer per step.
   */
  readonly usesProbabilities: boolean;
  /** Called once per step, in order; true means perturb this step's observation. */
  shouldAttack(context: TimingContext): boolean;
  /** Called at every episode start. */
  reset(): void;
}

/**
 * A command-line flag that sets one option field of an attack or timing strategy. Plain data: the
 * adversary may not import yargs (src/lab/commands/attackFlags.ts turns these into options), and
 * the CLI names the flag in errors by matching a FieldError's field to `field`.
 */
export interface OptionFlag {
  /** As typed after the dashes: 'step-size'. */
  readonly name: string;
  readonly type: 'number' | 'boolean' | 'string';
  /** Help text; flags of the same name declared by several entries show their texts joined. */
  readonly describe: string;
  /** The option field it sets: 'stepSize'. */
  readonly field: string;
  /** Timing only: the strategy is the one whose required flags are all given (see timing/entry.ts). */
  readonly required?: boolean;
  /** The CLI's value when the flag is absent (only flags every attack needs: --eps, --norm). */
  readonly default?: number | string;
}
