/**
 * `advgym extract --victim DIR --queries N --out DIR [--rounds R --lambda L --seed S --env ID ...]`:
 * model extraction (Papernot et al. 2017; agents/extract/): a substitute trained from the victim's
 * chosen actions alone, saved as a model folder usable as `substitute` in any experiment. Prints
 * the agreement with the victim after each round against the queries spent. Its own flags are the
 * registry entry's (agents/extract/algorithm.ts), shared with `advgym train extract`.
 */
import type { Argv, CommandModule } from 'yargs';
import { extractAlgorithm } from '../../../agents/extract/algorithm.ts';
import { extractConfigSchema } from '../../../agents/extract/config.ts';
import { extractModel } from '../../../agents/extract/train.ts';
import { checkTrainingOut } from '../../../agents/training/harness.ts';
import { describeWithDefault, parseStrict } from '../../core/validation.ts';
import { applyAlgorithmFlags, flagsOfAlgorithmFields, withAlgorithmFlags } from './algorithmFlags.ts';
import { initBackendFromFlag, withFlagNames } from './checks.ts';

/** The command's arguments: the common ones below and the entry's flags under their dashed names ('jacobian-fraction'). */
export interface ExtractArgs extends Readonly<Record<string, unknown>> {
  readonly out: string;
  readonly seed?: number | undefined;
  readonly env?: string | undefined;
  readonly force?: boolean | undefined;
  readonly backend?: string | undefined;
}

export async function runExtract(args: ExtractArgs, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<void> {
  await withFlagNames({ out: '--out', seed: '--seed', env: '--env', force: '--force', ...flagsOfAlgorithmFields(extractAlgorithm) }, async () => {
    const input: Record<string, unknown> = {};
    if (args.seed !== undefined) input.seed = args.seed;
    if (args.env !== undefined) input.env = args.env;
    applyAlgorithmFlags(extractAlgorithm, args, input);
    const config = parseStrict(extractConfigSchema, input, 'extract flags');
    // Every output path is checked before the backend starts or anything is created.
    checkTrainingOut(args.out, { force: args.force });
    await initBackendFromFlag(args.backend);
    const result = await extractModel(config, args.out, { force: args.force });
    for (const point of result.curve) write(`${point.queries} queries: agreement ${(point.agreement * 100).toFixed(1)}% (${point.wallSeconds.toFixed(0)} s)`);
    write(`${args.out}: substitute of ${config.victim} from ${result.queries} queries, agreement ${(result.agreement * 100).toFixed(1)}% on held-out victim play${result.meanReturn === undefined ? '' : `, greedy return ${result.meanReturn.toFixed(2)}`}, ${result.wallSeconds.toFixed(0)} s`);
    if (result.stoppedBy !== 'done') process.exitCode = 130;
  });
}

export const extractCommand: CommandModule<object, ExtractArgs> = {
  command: 'extract',
  describe: "model extraction: train a substitute from a victim's chosen actions alone (Papernot et al. 2017)",
  builder: (yargs: Argv) =>
    withAlgorithmFlags(yargs, extractAlgorithm, ['victim', 'queries'])
      .option('out', { type: 'string', demandOption: true, describe: 'model folder to write (must be empty or new unless --force)' })
      .option('seed', { type: 'number', describe: describeWithDefault('seed for play, sampling and weights', extractConfigSchema, 'seed') })
      .option('env', { type: 'string', describe: describeWithDefault('env id', extractConfigSchema, 'env') })
      .option('force', { type: 'boolean', default: false, describe: 'write into a non-empty --out' })
      .option('backend', { type: 'string', describe: 'tensor backend: auto|node|wasm|cpu' }) as unknown as Argv<ExtractArgs>,
  handler: (args) => runExtract(args),
};
