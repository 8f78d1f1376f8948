/**
 * `trainDqn`: DQN (Mnih et al. 2015, with Double DQN by default; training.ts) run by the training
 * harness (agents/training/harness.ts), which writes the model folder (model.json, weights.bin,
 * agent.json, config.json, training.csv, learning-curve.png) and OUT/checkpoint/ for resume.
 */
import type { Env } from '../../src/core/gym/env.ts';
import { runTraining } from '../training/harness.ts';
import type { ObservationHook } from '../training/observationHook.ts';
import type { TrainingProgress } from '../training/progress.ts';
import { CHECKPOINT_DIR, type DqnTrainingState } from './checkpoint.ts';
import type { DqnConfig } from './config.ts';
import { DqnTraining } from './training.ts';

export { CHECKPOINT_DIR, SNAPSHOTS_DIR, loadDqnCheckpoint, readCheckpointConfig, saveDqnCheckpoint, type DqnTrainingState } from './checkpoint.ts';

export interface DqnTrainOptions {
  /** Continue from OUT/checkpoint/ (config is read from the checkpoint unless given). */
  readonly resume?: boolean | undefined;
  /** Replace a non-empty OUT that is not resumed instead of refusing. */
  readonly force?: boolean | undefined;
  readonly progress?: TrainingProgress | undefined;
  /** Env factory override (tests use tiny envs that are not registered). */
  readonly makeEnv?: (() => Env<Float32Array>) | undefined;
  /** Stop after this many steps of this process (tests: simulate a kill). */
  readonly stopAfterSteps?: number | undefined;
  /** Skip the final 10-episode evaluation, random baseline and model folder (tests). */
  readonly skipFinal?: boolean | undefined;
  readonly observationHook?: ObservationHook | undefined;
}

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
