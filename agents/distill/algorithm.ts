/** Defensive distillation's registry entry (agents/registry/algorithms.ts): schema, flags, resume config, training. */
import { defineAlgorithm, refuseObservationHook } from '../training/algorithm.ts';
import { readRecordedConfig } from '../training/checkpointDir.ts';
import { distillConfigSchema } from './config.ts';
import { trainDistill } from './train.ts';
import { DISTILL_CHECKPOINT_DIR } from './training.ts';

export const distillAlgorithm = defineAlgorithm({
  name: 'distill',
  description: 'defensive distillation (Papernot et al. 2016): a student trained on a teacher model folder at temperature T, deployed at T = 1',
  schema: distillConfigSchema,
  flags: [
    { name: 'teacher', type: 'string', field: 'teacher', description: 'the teacher model folder (e.g. models/pong-dqn)' },
    { name: 'temperature', type: 'number', field: 'temperature', description: 'distillation temperature T; Papernot et al. go up to 100' },
    { name: 'teacher-temperature', type: 'number', field: 'teacherTemperature', description: "temperature the teacher's logits are read at (default: 0.01 for DQN Q-values, 1 for policy logits)" },
  ],
  recordedConfig: (outDir) => readRecordedConfig(outDir, DISTILL_CHECKPOINT_DIR),
  train: async (config, outDir, options) => {
    refuseObservationHook(options, 'distillation');
    return trainDistill(config, outDir, { resume: options.resume, force: options.force, progress: options.progress });
  },
});
