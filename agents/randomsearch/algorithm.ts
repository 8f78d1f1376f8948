/** TOY registry entry (agents/registry/algorithms.ts): random-search hill climbing; removed in the next commit. */
import { FieldError } from '../../src/core/errors.ts';
import { defineAlgorithm } from '../training/algorithm.ts';
import { runTraining } from '../training/harness.ts';
import { randomSearchConfigSchema } from './config.ts';
import { RandomSearchTraining } from './training.ts';

export const randomSearchAlgorithm = defineAlgorithm({
  name: 'randomsearch',
  description: 'TOY: hill climbing of a linear policy by Gaussian weight perturbations (Mania et al. 2018)',
  schema: randomSearchConfigSchema,
  flags: [{ name: 'sigma', type: 'number', field: 'sigma', description: 'standard deviation of the weight perturbation (default 0.05)' }],
  train: async (config, outDir, options) => {
    if (options.observationHook !== undefined) throw new FieldError('observationHook', 'random search takes no training-observation hook');
    const result = await runTraining(new RandomSearchTraining(config), outDir, { resume: options.resume, force: options.force, progress: options.progress });
    return { step: result.step, stoppedBy: result.stoppedBy, signal: result.signal };
  },
});
