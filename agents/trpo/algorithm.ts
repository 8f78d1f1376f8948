/** TRPO's registry entry (agents/registry/algorithms.ts): schema, flags, resume config, training. */
import { defineAlgorithm } from '../training/algorithm.ts';
import { outcomeOf, trainOnPolicy } from '../onpolicy/train.ts';
import { readCheckpointConfig } from '../onpolicy/training.ts';
import { trpoConfigSchema } from './config.ts';
import { trpoUpdaterFactory } from './updater.ts';

export const trpoAlgorithm = defineAlgorithm({
  name: 'trpo',
  description: 'TRPO (Schulman et al. 2015): natural-gradient steps within a KL trust region, synchronous envs, GAE',
  schema: trpoConfigSchema,
  flags: [
    { name: 'envs', type: 'number', integer: 'positive', field: 'numEnvs', description: 'envs stepped in lockstep (default 8)' },
    { name: 'rollout-steps', type: 'number', integer: 'positive', field: 'numSteps', description: 'steps per env per update (default 256)' },
    { name: 'max-kl', type: 'number', field: 'maxKl', description: 'mean-KL trust region per update (default 0.01)' },
  ],
  backendField: 'backend',
  recordedConfig: readCheckpointConfig,
  train: async (config, outDir, options) => outcomeOf(await trainOnPolicy('trpo', config, trpoUpdaterFactory, outDir, options)),
});
