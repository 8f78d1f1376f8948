/**
 * What an algorithm registers (agents/registry.ts): its name, its strict config schema (with
 * defaults), its own command-line flags described as data (the lab builds `advgym train <name>`
 * from them; agents/ never imports yargs) and how to train it through the harness.
 */
import type { z } from 'zod';
import type { ObservationHook, ObservationHookModule } from './observationHook.ts';
import type { TrainingProgress } from './progress.ts';

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

export interface AlgorithmTrainOptions {
  readonly resume?: boolean | undefined;
  readonly force?: boolean | undefined;
  readonly progress?: TrainingProgress | undefined;
  /** The training-observation hook (adversarial training); learners that cannot take one refuse it. */
  readonly observationHook?: ObservationHook | undefined;
  /** The same hook for learners in worker threads (A3C): a module URL and JSON options; in-process learners ignore it. */
  readonly observationHookModule?: ObservationHookModule | undefined;
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
