/** Model extraction's registry entry (agents/registry/algorithms.ts): `advgym train extract` and `advgym extract` both run it. */
import { defineAlgorithm, refuseObservationHook, refuseResume } from '../training/algorithm.ts';
import { extractConfigSchema } from './config.ts';
import { extractModel } from './train.ts';

export const extractAlgorithm = defineAlgorithm({
  name: 'extract',
  description: "model extraction (Papernot et al. 2017): a substitute trained from a victim's argmax labels alone, with Jacobian augmentation",
  schema: extractConfigSchema,
  flags: [
    { name: 'victim', type: 'string', field: 'victim', description: 'the victim model folder (only its chosen actions are queried)' },
    { name: 'queries', type: 'number', integer: 'positive', field: 'queries', description: 'oracle queries in all' },
    { name: 'rounds', type: 'number', integer: 'positive', field: 'rounds', description: 'substitute training rounds' },
    { name: 'lambda', type: 'number', field: 'lambda', description: 'Jacobian augmentation step in [0,1] pixel units (default 8/255)' },
    { name: 'jacobian-fraction', type: 'number', field: 'jacobianFraction', description: 'share of each later round spent on Jacobian points; the rest is the substitute\'s own play' },
    { name: 'updates-per-round', type: 'number', integer: 'positive', field: 'updatesPerRound', description: 'cross-entropy updates per round' },
  ],
  train: async (config, outDir, options) => {
    refuseResume(options, 'extraction has no checkpoint to resume (the oracle\'s answers are not kept): start it again');
    refuseObservationHook(options, 'extraction');
    const result = await extractModel(config, outDir, { force: options.force, progress: options.progress });
    return { step: config.rounds * config.updatesPerRound, stoppedBy: result.stoppedBy === 'done' ? 'done' : 'interrupted' };
  },
});
