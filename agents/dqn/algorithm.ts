/** DQN's registry entry (agents/registry.ts): schema, flags, resume config, training. */
import { defineAlgorithm } from '../training/algorithm.ts';
import { readCheckpointConfig } from './checkpoint.ts';
import { dqnConfigSchema } from './config.ts';
import { trainDqn } from './train.ts';

export const dqnAlgorithm = defineAlgorithm({
  name: 'dqn',
  description: 'DQN (Mnih et al. 2015; Double DQN, n-step, prioritized replay, QR-DQN options)',
  schema: dqnConfigSchema,
  flags: [{ name: 'save-replay', type: 'boolean', field: 'saveReplay', description: 'save the replay buffer in each checkpoint and restore it on --resume (~7 KB per transition at 84x84)' }],
  recordedConfig: readCheckpointConfig,
  train: async (config, outDir, options) => {
    const result = await trainDqn(config, outDir, options);
    return { step: result.state.step, stoppedBy: result.stoppedBy, signal: result.signal };
  },
});
