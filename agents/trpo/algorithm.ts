/** TRPO's registry entry (agents/registry/algorithms.ts): schema, flags, updater (the rest: onpolicy/algorithm.ts). */
import { defineOnPolicyAlgorithm } from '../onpolicy/algorithm.ts';
import { trpoConfigSchema } from './config.ts';
import { trpoUpdaterFactory } from './updater.ts';

export const trpoAlgorithm = defineOnPolicyAlgorithm({
  name: 'trpo',
  description: 'TRPO (Schulman et al. 2015): natural-gradient steps within a KL trust region, synchronous envs, GAE',
  schema: trpoConfigSchema,
  flags: [
    { name: 'envs', type: 'number', integer: 'positive', field: 'numEnvs', description: 'envs stepped in lockstep' },
    { name: 'rollout-steps', type: 'number', integer: 'positive', field: 'numSteps', description: 'steps per env per update' },
    { name: 'max-kl', type: 'number', field: 'maxKl', description: 'mean-KL trust region per update' },
  ],
  updaterFactory: trpoUpdaterFactory,
});
