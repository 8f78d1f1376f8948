/**
 * `advgym train <algorithm>`: one subcommand per registry entry (agents/registry.ts), each with the
 * common flags and its own (so `train dqn --help` lists DQN's only). A new registry entry appears
 * here without edits.
 */
import type { Argv, CommandModule } from 'yargs';
import { ALGORITHMS } from '../../../agents/registry/algorithms.ts';
import type { Algorithm } from '../../../agents/training/algorithm.ts';
import { UserError } from '../../core/errors.ts';
import { withAlgorithmFlags } from './algorithmFlags.ts';
import { runTrain, type TrainArgs } from './trainRun.ts';

const names = ALGORITHMS.map((algorithm) => algorithm.name).join(', ');

function commonFlags(yargs: Argv): Argv {
  return yargs
    .option('out', { type: 'string', demandOption: true, describe: 'model folder to write (must be empty or new unless --resume or --force)' })
    .option('config', { type: 'string', describe: "JSON config file of the algorithm's fields (see its presets and config.ts; unknown fields are errors); flags override it" })
    .option('env', { type: 'string', describe: 'env id (default Pong-v0)' })
    .option('steps', { type: 'number', describe: 'total steps to train (config totalSteps)' })
    .option('seed', { type: 'number', describe: 'run seed (config seed)' })
    .option('resume', { type: 'boolean', default: false, describe: 'continue the run in --out from its checkpoint' })
    .option('force', { type: 'boolean', default: false, describe: 'write into a non-empty --out (replacing its model)' })
    .option('backend', { type: 'string', describe: 'tensor backend: auto|node|wasm|cpu' });
}

function subcommand(algorithm: Algorithm): CommandModule<object, TrainArgs> {
  return {
    command: algorithm.name,
    describe: algorithm.description,
    builder: (yargs: Argv) => {
      return withAlgorithmFlags(commonFlags(yargs).strict(), algorithm) as unknown as Argv<TrainArgs>;
    },
    handler: (args) => runTrain(algorithm, args),
  };
}

export const trainCommand: CommandModule = {
  command: 'train',
  describe: `train an agent: ${names}`,
  builder: (yargs: Argv) => {
    let built = yargs;
    for (const algorithm of ALGORITHMS) built = built.command(subcommand(algorithm));
    // Not strict at this level, so an unknown algorithm reaches the check below (which lists the
    // valid ones) instead of yargs' bare "Unknown argument"; each subcommand is strict again.
    return built.strict(false).check((argv) => {
      const [, name] = argv._;
      if (name === undefined) throw new UserError(`train: missing algorithm: name one of ${names} (advgym train <algorithm> --help)`);
      throw new UserError(`train: unknown algorithm '${String(name)}': name one of ${names}`);
    }, false);
  },
  handler: () => undefined,
};
