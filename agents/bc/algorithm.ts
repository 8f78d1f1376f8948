/** Behaviour cloning's registry entry (agents/registry.ts): schema, flags, training (no resume). */
import { defineAlgorithm, refuseObservationHook, refuseResume } from '../training/algorithm.ts';
import { bcConfigSchema } from './config.ts';
import { trainBehaviourCloning } from './train.ts';

export const bcAlgorithm = defineAlgorithm({
  name: 'bc',
  description: 'behaviour cloning of a teacher (the scripted player, or a trained model folder)',
  schema: bcConfigSchema,
  flags: [
    { name: 'samples', type: 'number', integer: 'positive', field: 'samples', description: 'teacher-labelled observations' },
    { name: 'points-to-win', type: 'number', integer: 'positive', field: 'envOptions.game.pointsToWin', description: 'Pong-v0 match length for data and evaluation' },
    { name: 'teacher', type: 'string', field: 'teacher', description: "'scripted' (default: the game's scripted player) or a model folder to imitate (e.g. models/pong-dqn)" },
  ],
  train: async (config, outDir, options) => {
    refuseResume(options, 'behaviour cloning has no checkpoint to resume (a run takes about a minute: start it again)');
    refuseObservationHook(options, 'behaviour cloning');
    const result = await trainBehaviourCloning(config, outDir, { force: options.force, progress: options.progress });
    return { step: config.totalSteps, stoppedBy: result.stoppedBy === 'done' ? 'done' : 'interrupted' };
  },
});
