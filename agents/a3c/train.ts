/**
 * `trainA3c`: A3C training (training.ts) run by the training harness (agents/training/harness.ts):
 * it refuses to overwrite, resumes from the model folder's checkpoint, reports progress, writes
 * training.csv / episodes.csv, the learning curve, periodic checkpoints, stops with a checkpoint on
 * SIGINT/SIGTERM, grades the final policy beside random play and writes agent.json.
 *
 * Failures (a worker error, a NaN, a hang) reject with runA3c's error and write nothing more, so
 * the last checkpoint stays intact.
 */
import { FieldError } from '../../src/core/errors.ts';
import type { AlgorithmTrainOptions } from '../training/algorithm.ts';
import { checkTrainingOut, runTraining } from '../training/harness.ts';
import type { TrainingProgress } from '../training/progress.ts';
import type { A3cConfig } from './config.ts';
import { A3cTraining, type A3cTrainingOptions } from './training.ts';

/**
 * `resume` continues from the checkpoint in outDir (weights, RMSProp statistics, counters, logs).
 * An in-process `observationHook` cannot reach the worker threads (training.ts): it is refused
 * unless `observationHookModule` (src/lab/defense/workerHook.ts builds it from the config) is given too.
 */
export interface TrainA3cOptions extends AlgorithmTrainOptions, A3cTrainingOptions {
  /** The model folder to write (and to resume from). */
  readonly outDir: string;
  /** Where progress lines go; default: the shared training progress (a bar on a terminal, lines when piped). */
  readonly log?: ((line: string) => void) | undefined;
}

export interface A3cResult {
  readonly workers: number;
  readonly globalSteps: number;
  /** Steps taken by this run (excludes steps of the run it resumed). */
  readonly stepsThisRun: number;
  readonly secondsThisRun: number;
  /** Env steps per second of the workers, counted from the moment every worker was ready. */
  readonly stepsPerSecond: number;
  readonly meanStaleness: number;
  readonly episodes: number;
  readonly recentMeanReturn: number;
  readonly interrupted: boolean;
  readonly signal?: NodeJS.Signals;
  readonly evaluation?: { readonly episodes: number; readonly meanReturn: number; readonly stdReturn: number; readonly seed: number };
}

export async function trainA3c(config: A3cConfig, options: TrainA3cOptions): Promise<A3cResult> {
  const module = options.observationHookModule;
  if (options.observationHook !== undefined && module === undefined) {
    throw new FieldError('observationHook', 'A3C learners run in worker threads, where a function cannot go: pass observationHookModule (a module URL + JSON options; see agents/a3c/training.ts)');
  }
  if (config.adversarialTraining !== null && module === undefined) {
    throw new FieldError('adversarialTraining', 'needs observationHookModule (src/lab/defense/workerHook.ts observationHookModule(config.adversarialTraining); `advgym train a3c` does this)');
  }
  checkTrainingOut(options.outDir, options);
  const learner = await A3cTraining.create(config, options);
  const progress: TrainingProgress | undefined = options.progress ?? (options.log === undefined ? undefined : { update: () => undefined, log: options.log, stop: () => undefined });
  const result = await runTraining(learner, options.outDir, { resume: options.resume, force: options.force, progress });
  const run = learner.result;
  const grade = result.grade;
  return {
    workers: learner.workers,
    globalSteps: result.step,
    stepsThisRun: result.step - result.startStep,
    secondsThisRun: run?.seconds ?? 0,
    stepsPerSecond: run?.stepsPerSecond ?? 0,
    meanStaleness: run?.meanStaleness ?? 0,
    episodes: learner.episodes.episodes.length,
    recentMeanReturn: learner.episodes.recentMeanReturn(),
    interrupted: result.stoppedBy !== 'done',
    ...(result.signal === undefined ? {} : { signal: result.signal }),
    ...(grade === undefined ? {} : { evaluation: { episodes: grade.evaluation.returns.length, meanReturn: grade.evaluation.meanReturn, stdReturn: grade.evaluation.stdReturn, seed: grade.seed } }),
  };
}
