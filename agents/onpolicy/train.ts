/**
 * Runs an on-policy algorithm (PPO, TRPO) through the training harness: out-folder check, backend,
 * the shared learner (training.ts) with the algorithm's updater, checkpoint recovery.
 */
import { FieldError } from '../../src/core/errors.ts';
import { initBackend } from '../../src/core/tensor/backend.ts';
import type { LearnerTrainOptions, TrainOutcome } from '../training/algorithm.ts';
import { checkTrainingOut, runTraining, type HarnessResult } from '../training/harness.ts';
import type { OnPolicyConfig } from './config.ts';
import { CHECKPOINT_DIR, OnPolicyTraining } from './training.ts';
import type { UpdaterFactory } from './updater.ts';

export type OnPolicyTrainOptions = LearnerTrainOptions;

export interface OnPolicyTrainResult extends HarnessResult {
  readonly learner: OnPolicyTraining<OnPolicyConfig>;
}

export async function trainOnPolicy<Config extends OnPolicyConfig>(algorithm: string, config: Config, factory: UpdaterFactory<Config>, outDir: string, options: OnPolicyTrainOptions = {}): Promise<OnPolicyTrainResult> {
  if (options.observationHook !== undefined) throw new FieldError('observationHook', `${algorithm} does not take a training-observation hook yet`);
  checkTrainingOut(outDir, options);
  await initBackend(config.backend);
  const learner = new OnPolicyTraining(algorithm, config, factory, { makeEnv: options.makeEnv });
  const result = await runTraining(learner, outDir, { resume: options.resume, force: options.force, progress: options.progress, stopAfterSteps: options.stopAfterSteps, skipFinal: options.skipFinal, checkpointDirs: [CHECKPOINT_DIR] });
  return { ...result, learner: learner as unknown as OnPolicyTraining<OnPolicyConfig> };
}

export function outcomeOf(result: HarnessResult): TrainOutcome {
  return { step: result.step, stoppedBy: result.stoppedBy, signal: result.signal };
}
