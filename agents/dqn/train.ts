/**
 * `trainDqn`: DQN (Mnih et al. 2015, with Double DQN by default; training.ts) run by the training
 * harness (agents/training/harness.ts), which writes the model folder (model.json, weights.bin,
 * agent.json, config.json, training.csv, learning-curve.png) and OUT/checkpoint/ for resume.
 */
import type { LearnerTrainOptions } from '../training/algorithm.ts';
import { runTraining } from '../training/harness.ts';
import { CHECKPOINT_DIR, type DqnTrainingState } from './checkpoint.ts';
import type { DqnConfig } from './config.ts';
import { DqnTraining } from './training.ts';

export { CHECKPOINT_DIR, SNAPSHOTS_DIR, loadDqnCheckpoint, readCheckpointConfig, saveDqnCheckpoint, type DqnTrainingState } from './checkpoint.ts';

/** `resume` continues from OUT/checkpoint/; `observationHook` perturbs acted-on or learned-from observations (training.ts). */
export type DqnTrainOptions = LearnerTrainOptions;

export interface DqnTrainResult {
  readonly state: DqnTrainingState;
  readonly stoppedBy: 'done' | 'interrupted' | 'limit';
  readonly signal?: NodeJS.Signals;
  readonly finalEvalReturn?: number;
}

export async function trainDqn(config: DqnConfig, outDir: string, options: DqnTrainOptions = {}): Promise<DqnTrainResult> {
  const learner = new DqnTraining(config, { makeEnv: options.makeEnv, observationHook: options.observationHook });
  const result = await runTraining(learner, outDir, { ...options, checkpointDirs: [CHECKPOINT_DIR] });
  return {
    state: learner.state({ wallSeconds: result.wallSeconds, bestEvalReturn: result.bestEvalReturn }),
    stoppedBy: result.stoppedBy,
    ...(result.signal === undefined ? {} : { signal: result.signal }),
    ...(result.grade === undefined ? {} : { finalEvalReturn: result.grade.evaluation.meanReturn }),
  };
}
