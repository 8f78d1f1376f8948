/** Model extraction's registry entry (agents/registry/algorithms.ts): `advgym train extract` and `advgym extract` both run it. */
import { defineAlgorithm, refuseObservationHook, refuseResume } from '../training/algorithm.ts';
import { extractConfigSchema } from './config.ts';
import { extractModel } from './train.ts';

export const extractAlgorithm = defineAlgorithm({
  name: 'extract',
  description: "model extraction (Papernot et al. 2017): a substitute trained from a victim's argmax labels alone, with Jacobian augmentation",
  schema: extractConfigSchema,
  // `advgym train extract` and `advgym extract` both take these (src/lab/commands/algorithmFlags.ts).
  flags: [
    { name: 'victim', type: 'string', field: 'victim', description: 'the victim model folder (only its chosen actions are queried)' },
    { name: 'queries', type: 'number', integer: 'positive', field: 'queries', description: 'oracle queries in all (one per observation labelled)' },
    { name: 'rounds', type: 'number', integer: 'positive', field: 'rounds', description: 'substitute training rounds; the budget is split evenly' },
    { name: 'lambda', type: 'number', field: 'lambda', description: 'Jacobian augmentation step in [0,1] pixel units (default 8/255)' },
    { name: 'jacobian-fraction', type: 'number', field: 'jacobianFraction', description: "share of each later round spent on Jacobian points; the rest is the substitute's own play (0: play only)" },
    { name: 'oracle-acts', type: 'number', field: 'oracleActs', description: "DAgger's β: share of play steps that execute the oracle's answer (already queried) instead of the substitute's action" },
    { name: 'play-exploration', type: 'number', field: 'playExploration', description: "random-action probability in the substitute's own play" },
    { name: 'updates-per-round', type: 'number', integer: 'positive', field: 'updatesPerRound', description: 'cross-entropy updates per round' },
    { name: 'architecture', type: 'string', field: 'architecture', description: 'substitute net: dqn2013, nature2015, patch6' },
    { name: 'activation', type: 'string', field: 'activation', description: "substitute's hidden nonlinearity: relu, elu, leakyRelu" },
    { name: 'batch-size', type: 'number', integer: 'positive', field: 'batchSize', description: 'cross-entropy minibatch size' },
    { name: 'learning-rate', type: 'number', field: 'learningRate', description: 'Adam learning rate' },
    { name: 'learning-rate-end', type: 'number', field: 'learningRateEnd', description: 'learning rate of the last update, reached linearly (default: a tenth of --learning-rate)' },
    { name: 'held-out-episodes', type: 'number', integer: 'positive', field: 'heldOutEpisodes', description: "episodes of the victim's own play that agreement is measured on" },
    { name: 'eval-episodes', type: 'number', integer: 'any', field: 'evalEpisodes', description: "greedy matches of the substitute's final grade" },
  ],
  train: async (config, outDir, options) => {
    refuseResume(options, 'extraction has no checkpoint to resume (the oracle\'s answers are not kept): start it again');
    refuseObservationHook(options, 'extraction');
    const result = await extractModel(config, outDir, { force: options.force, progress: options.progress });
    return { step: config.rounds * config.updatesPerRound, stoppedBy: result.stoppedBy === 'done' ? 'done' : 'interrupted' };
  },
});
