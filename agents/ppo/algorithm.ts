/** PPO's registry entry (agents/registry/algorithms.ts): schema, flags, updater (the rest: onpolicy/algorithm.ts). */
import { defineOnPolicyAlgorithm } from '../onpolicy/algorithm.ts';
import { ppoConfigSchema } from './config.ts';
import { ppoUpdaterFactory } from './updater.ts';

export const ppoAlgorithm = defineOnPolicyAlgorithm({
  name: 'ppo',
  description: 'PPO (Schulman et al. 2017): clipped surrogate, synchronous envs, GAE',
  schema: ppoConfigSchema,
  flags: [
    { name: 'envs', type: 'number', integer: 'positive', field: 'numEnvs', description: "envs stepped in lockstep, the paper's actors" },
    { name: 'rollout-steps', type: 'number', integer: 'positive', field: 'numSteps', description: 'steps per env per update' },
    { name: 'epochs', type: 'number', integer: 'positive', field: 'epochs', description: 'passes over each rollout' },
    { name: 'learning-rate', type: 'number', field: 'learningRate', description: 'Adam step size, annealed to 0' },
    { name: 'gradient-threads', type: 'number', integer: 'positive', field: 'gradientThreads', description: 'threads per minibatch gradient: 1, or 2 (a worker thread takes half; pays on free cores)' },
  ],
  updaterFactory: ppoUpdaterFactory,
});
