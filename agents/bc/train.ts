/**
 * `trainBehaviourCloning`: behaviour cloning (training.ts) run by the training harness, which
 * writes the model folder (model.json, weights.bin, agent.json with the teacher, config.json,
 * training.csv, learning-curve.png).
 */
import { checkTrainingOut, runTraining, type HarnessOptions } from '../training/harness.ts';
import type { BcConfig } from './config.ts';
import { BcTraining, type BcTrainingOptions } from './training.ts';

/** No `resume`: behaviour cloning keeps no checkpoint. */
export interface BcTrainOptions extends BcTrainingOptions, Pick<HarnessOptions, 'force' | 'progress' | 'skipFinal'> {}

export async function trainBehaviourCloning(config: BcConfig, outDir: string, options: BcTrainOptions = {}): Promise<{ readonly meanReturn?: number; readonly stoppedBy: string }> {
  checkTrainingOut(outDir, { force: options.force });
  const learner = new BcTraining(config, options);
  const result = await runTraining(learner, outDir, { force: options.force, progress: options.progress, skipFinal: options.skipFinal });
  return { stoppedBy: result.stoppedBy, ...(result.grade === undefined ? {} : { meanReturn: result.grade.evaluation.meanReturn }) };
}
