/**
 * `advgym train bc`: behaviour cloning of the scripted player (agents/bc/train.ts), the quick
 * competent victim. DQN and A3C trainers are separate issues and will join here as `train dqn|a3c`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { defaultBehaviourCloningConfig, trainBehaviourCloning } from '../../agents/bc/train.ts';
import { UserError } from '../errors.ts';
import { positiveInteger } from './checks.ts';
import { initBackendFromFlag } from './checks.ts';

interface TrainArgs {
  algorithm: string;
  env: string;
  out: string;
  seed: number;
  steps: number;
  samples: number;
  'points-to-win'?: number;
  backend?: string;
  force: boolean;
}

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train <algorithm>',
  describe: 'train an agent: bc (behaviour cloning of the scripted player)',
  builder: (yargs: Argv) =>
    yargs
      .positional('algorithm', { type: 'string', choices: ['bc'], demandOption: true })
      .option('env', { type: 'string', default: 'Pong-v0' })
      .option('out', { type: 'string', demandOption: true, describe: 'model folder to write' })
      .option('seed', { type: 'number', default: defaultBehaviourCloningConfig.seed })
      .option('steps', { type: 'number', default: defaultBehaviourCloningConfig.trainSteps, describe: 'gradient updates' })
      .option('samples', { type: 'number', default: defaultBehaviourCloningConfig.samples, describe: 'teacher-labelled observations' })
      .option('points-to-win', { type: 'number', describe: 'Pong-v0 match length for evaluation and data' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite an existing model folder' })
      .option('backend', { type: 'string', describe: 'tensor backend: auto|node|wasm|cpu' }) as unknown as Argv<TrainArgs>,
  handler: async (args) => {
    if (existsSync(join(args.out, 'model.json')) && !args.force) throw new UserError(`--out: ${args.out} already holds a model; pass --force to replace it`);
    if (!Number.isInteger(args.seed)) throw new UserError(`--seed: must be an integer, got ${args.seed}`);
    await initBackendFromFlag(args.backend);
    const game = args['points-to-win'] === undefined ? {} : { pointsToWin: positiveInteger('points-to-win', args['points-to-win']) };
    await trainBehaviourCloning(
      {
        ...defaultBehaviourCloningConfig,
        env: args.env,
        envOptions: { game },
        seed: args.seed,
        trainSteps: positiveInteger('steps', args.steps),
        samples: positiveInteger('samples', args.samples),
      },
      args.out,
      (line) => process.stdout.write(`${line}\n`),
    );
  },
};
