/** Toy random search's registry entry (agents/registry/algorithms.ts). */
import { defineAlgorithm, refuseObservationHook, refuseResume } from '../training/algorithm.ts';
import { runTraining } from '../training/harness.ts';
import { randomSearchConfigSchema } from './config.ts';
import { RandomSearchTraining } from './training.ts';

export const randomSearchAlgorithm = defineAlgorithm({
  name: 'randomsearch',
  description: 'toy random search (Mania et al. 2018): hill climbing of the weights',
  schema: randomSearchConfigSchema,
  flags: [{ name: 'sigma', type: 'number', field: 'sigma', description: 'perturbation size (default 0.05)' }],
  train: async (config, outDir, options) => {
    refuseResume(options, 'randomsearch has no checkpoint to resume');
    refuseObservationHook(options, 'randomsearch');
    const result = await runTraining(new RandomSearchTraining(config), outDir, { resume: options.resume, force: options.force, progress: options.progress });
    return { step: result.step, stoppedBy: result.stoppedBy, signal: result.signal };
  },
});
