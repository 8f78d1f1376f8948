/**
 * `advgym train bc|dqn`: behaviour cloning of the scripted player (agents/bc/train.ts), the quick
 * competent victim; DQN (src/lab/commands/trainDqn.ts). A3C joins as a sibling branch.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { defaultBehaviourCloningConfig, trainBehaviourCloning } from '../../../agents/bc/train.ts';
import { UserError } from '../../core/errors.ts';
import { initBackendFromFlag, integer, positiveInteger } from './checks.ts';
import { runTrainA3c } from './trainA3c.ts';
import { runTrainDqn } from './trainDqn.ts';

interface TrainArgs {
  algorithm: string;
  env?: string;
  out: string;
  seed?: number;
  steps?: number;
  config?: string;
  resume: boolean;
  workers?: number;
  samples: number;
  'points-to-win'?: number;
  backend?: string;
  force: boolean;
}

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train <algorithm>',
  describe: 'train an agent: bc (behaviour cloning of the scripted player), dqn or a3c',
  builder: (yargs: Argv) =>
    yargs
      .positional('algorithm', { type: 'string', choices: ['bc', 'dqn', 'a3c'], demandOption: true })
      .option('env', { type: 'string', describe: 'env id (default Pong-v0)' })
      .option('out', { type: 'string', demandOption: true, describe: 'model folder to write' })
      .option('seed', { type: 'number', describe: `seed (bc default ${defaultBehaviourCloningConfig.seed}; dqn: config seed)` })
      .option('steps', { type: 'number', describe: `bc: gradient updates (default ${defaultBehaviourCloningConfig.trainSteps}); dqn: agent steps (totalSteps)` })
      .option('config', { type: 'string', describe: 'dqn, a3c: JSON config file (agents/dqn/config.ts or agents/a3c/config.ts fields); flags override it' })
      .option('resume', { type: 'boolean', default: false, describe: 'dqn, a3c: continue the run in --out from its checkpoint' })
      .option('workers', { type: 'number', describe: 'a3c: actor-learner threads (default: available cores)' })
      .option('samples', { type: 'number', default: defaultBehaviourCloningConfig.samples, describe: 'teacher-labelled observations' })
      .option('points-to-win', { type: 'number', describe: 'Pong-v0 match length for evaluation and data' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite an existing model folder' })
      .option('backend', { type: 'string', describe: 'tensor backend: auto|node|wasm|cpu' }) as unknown as Argv<TrainArgs>,
  handler: async (args) => {
    if (args.algorithm === 'a3c') {
      await runTrainA3c({ env: args.env, out: args.out, config: args.config, steps: args.steps, seed: args.seed, workers: args.workers, backend: args.backend, resume: args.resume, force: args.force });
      return;
    }
    if (args.algorithm === 'dqn') {
      await runTrainDqn({ env: args.env, out: args.out, config: args.config, steps: args.steps, seed: args.seed, backend: args.backend, resume: args.resume, force: args.force });
      return;
    }
    if (existsSync(join(args.out, 'model.json')) && !args.force) throw new UserError(`--out: ${args.out} already holds a model; pass --force to replace it`);
    const seed = integer('seed', args.seed ?? defaultBehaviourCloningConfig.seed);
    await initBackendFromFlag(args.backend);
    const game = args['points-to-win'] === undefined ? {} : { pointsToWin: positiveInteger('points-to-win', args['points-to-win']) };
    await trainBehaviourCloning(
      {
        ...defaultBehaviourCloningConfig,
        env: args.env ?? 'Pong-v0',
        envOptions: { game },
        seed,
        trainSteps: positiveInteger('steps', args.steps ?? defaultBehaviourCloningConfig.trainSteps),
        samples: positiveInteger('samples', args.samples),
      },
      args.out,
      (line) => process.stdout.write(`${line}\n`),
    );
  },
};
