/** A3C's registry entry (agents/registry.ts): schema, flags, resume config, training. */
import { join } from 'node:path';
import { readJsonObject } from '../../src/core/files/readJsonObject.ts';
import { defineAlgorithm } from '../training/algorithm.ts';
import { a3cConfigSchema } from './config.ts';
import { trainA3c } from './train.ts';

export const a3cAlgorithm = defineAlgorithm({
  name: 'a3c',
  description: 'A3C FF (Mnih et al. 2016): asynchronous actor-learner threads',
  schema: a3cConfigSchema,
  flags: [{ name: 'workers', type: 'number', integer: 'positive', field: 'workers', description: 'actor-learner threads (default: available cores)' }],
  backendField: 'backend',
  recordedConfig: (outDir) => readJsonObject(join(outDir, 'config.json'), 'the recorded config of the run to resume'),
  train: async (config, outDir, options) => {
    const result = await trainA3c(config, { outDir, resume: options.resume, force: options.force, progress: options.progress, observationHook: options.observationHook, observationHookModule: options.observationHookModule });
    return { step: result.globalSteps, stoppedBy: result.interrupted ? 'interrupted' : 'done', signal: result.signal };
  },
});
