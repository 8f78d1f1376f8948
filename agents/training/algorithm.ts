/**
 * What an algorithm registers (agents/registry.ts): its name, its strict config schema (with
 * defaults), its own command-line flags described as data (the lab builds `advgym train <name>`
 * from them; agents/ never imports yargs) and how to train it through the harness.
 */
import type { z } from 'zod';
import { FieldError } from '../../src/core/errors.ts';
import type { HarnessOptions } from './harness.ts';
import type { EnvFactory } from './learnerEnv.ts';
import type { ObservationHook, ObservationHookModule } from './observationHook.ts';

export interface AlgorithmFlag {
  /** The flag without dashes, e.g. 'workers' for --workers. */
  readonly name: string;
  readonly type: 'string' | 'number' | 'boolean';
  readonly description: string;
  /** The config field it sets; dots reach into objects ('envOptions.game.pointsToWin'). */
  readonly field: string;
  /** Numbers: checked as integers (or positive integers) with a one-line error naming the flag. */
  readonly integer?: 'any' | 'positive';
}

export interface AlgorithmTrainOptions extends Pick<HarnessOptions, 'resume' | 'force' | 'progress'> {
  /** The training-observation hook (adversarial training); learners that cannot take one refuse it. */
  readonly observationHook?: ObservationHook | undefined;
  /** The same hook for learners in worker threads (A3C): a module URL and JSON options; in-process learners ignore it. */
  readonly observationHookModule?: ObservationHookModule | undefined;
}

/** A learner's own train function's options (library callers, tests): the registry's, the harness's test seams and a tiny env. */
export interface LearnerTrainOptions extends AlgorithmTrainOptions, Pick<HarnessOptions, 'stopAfterSteps' | 'skipFinal'> {
  /** Env factory override (tests use tiny envs that are not registered). */
  readonly makeEnv?: EnvFactory | undefined;
}

export interface TrainOutcome {
  readonly step: number;
  readonly stoppedBy: 'done' | 'interrupted' | 'limit';
  readonly signal?: NodeJS.Signals | undefined;
}

export interface Algorithm<Schema extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly description: string;
  readonly schema: Schema;
  readonly flags: readonly AlgorithmFlag[];
  /** The config field the tensor backend choice goes to (A3C: its workers start their own); undefined: the caller starts the backend. */
  readonly backendField?: string;
  /** The config a run in `outDir` was trained with (for resume without a config file); undefined: cannot resume. */
  readonly recordedConfig?: (outDir: string) => Record<string, unknown>;
  train(config: z.output<Schema>, outDir: string, options: AlgorithmTrainOptions): Promise<TrainOutcome>;
}

/** Keeps the config type of one entry while the registry lists entries of different schemas. */
export function defineAlgorithm<Schema extends z.ZodType>(algorithm: Algorithm<Schema>): Algorithm {
  return algorithm as unknown as Algorithm;
}

/** A learner without checkpoints refuses `resume` up front, saying why (the CLI shows it under --resume). */
export function refuseResume(options: AlgorithmTrainOptions, why: string): void {
  if (options.resume === true) throw new FieldError('resume', why);
}

/** A learner that cannot perturb its training observations refuses a hook rather than train undefended. */
export function refuseObservationHook(options: AlgorithmTrainOptions, learner: string): void {
  if (options.observationHook !== undefined) throw new FieldError('observationHook', `${learner} takes no training-observation hook`);
}
