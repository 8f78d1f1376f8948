/**
 * `trainDistill`: defensive distillation (training.ts) run by the training harness, which writes the
 * model folder (the student at T = 1, agent.json with the teacher and temperatures, config.json,
 * training.csv, learning-curve.png) and OUT/checkpoint/ for resume.
 */
import { runTraining, type HarnessOptions } from '../training/harness.ts';
import type { DistillConfig } from './config.ts';
import { DISTILL_CHECKPOINT_DIR, DistillTraining, type DistillTrainingOptions } from './training.ts';

export interface DistillTrainOptions extends DistillTrainingOptions, Omit<HarnessOptions, 'checkpointDirs'> {}

export async function trainDistill(config: DistillConfig, outDir: string, options: DistillTrainOptions = {}): Promise<{ readonly step: number; readonly stoppedBy: 'done' | 'interrupted' | 'limit'; readonly signal?: NodeJS.Signals; readonly meanReturn?: number }> {
  const learner = new DistillTraining(config, options);
  const result = await runTraining(learner, outDir, { ...options, checkpointDirs: [DISTILL_CHECKPOINT_DIR] });
  return {
    step: result.step,
    stoppedBy: result.stoppedBy,
    ...(result.signal === undefined ? {} : { signal: result.signal }),
    ...(result.grade === undefined ? {} : { meanReturn: result.grade.evaluation.meanReturn }),
  };
}
