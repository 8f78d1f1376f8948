/**
 * `trainBehaviourCloning`: behaviour cloning (training.ts) run by the training harness, which
 * writes the model folder (model.json, weights.bin, agent.json with the teacher, config.json,
 * training.csv, learning-curve.png).
 */
import { checkTrainingOut, runTraining } from '../training/harness.ts';
import type { TrainingProgress } from '../training/progress.ts';
import type { BcConfig } from './config.ts';
import { BcTraining, type BcTrainingOptions } from './training.ts';

export interface BcTrainOptions extends BcTrainingOptions {
  readonly force?: boolean | undefined;
  readonly progress?: TrainingProgress | undefined;
  readonly skipFinal?: boolean | undefined;
}

export async function trainBehaviourCloning(config: BcConfig, outDir: string, options: BcTrainOptions = {}): Promise<{ readonly meanReturn?: number; readonly stoppedBy: string }> {
  checkTrainingOut(outDir, { force: options.force });
  const learner = new BcTraining(config, options);
  const result = await runTraining(learner, outDir, { force: options.force, progress: options.progress, skipFinal: options.skipFinal });
  return { stoppedBy: result.stoppedBy, ...(result.grade === undefined ? {} : { meanReturn: result.grade.evaluation.meanReturn }) };
}
