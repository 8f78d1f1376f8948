/**
 * `advgym extract --victim DIR --queries N --out DIR [--rounds R --lambda L --seed S --env ID]`:
 * model extraction (Papernot et al. 2017; agents/extract/): a substitute trained from the victim's
 * chosen actions alone, saved as a model folder usable as `substitute` in any experiment. Prints
 * the agreement with the victim after each round against the queries spent.
 */
import type { Argv, CommandModule } from 'yargs';
import { extractConfigSchema } from '../../../agents/extract/config.ts';
import { extractModel } from '../../../agents/extract/train.ts';
import { checkTrainingOut } from '../../../agents/training/harness.ts';
import { describeWithDefault, parseStrict } from '../../core/validation.ts';
import { initBackendFromFlag, withFlagNames } from './checks.ts';

export interface ExtractArgs {
  readonly victim: string;
  readonly queries: number;
  readonly out: string;
  readonly rounds?: number | undefined;
  readonly lambda?: number | undefined;
  readonly seed?: number | undefined;
  readonly env?: string | undefined;
  readonly jacobianFraction?: number | undefined;
  readonly updatesPerRound?: number | undefined;
  readonly architecture?: string | undefined;
  readonly activation?: string | undefined;
  readonly batchSize?: number | undefined;
  readonly learningRate?: number | undefined;
  readonly playExploration?: number | undefined;
  readonly oracleActs?: number | undefined;
  readonly learningRateEnd?: number | undefined;
  readonly heldOutEpisodes?: number | undefined;
  readonly evalEpisodes?: number | undefined;
  readonly force?: boolean | undefined;
  readonly backend?: string | undefined;
}

/** An option's help with the schema's default for its field (never a literal that drifts). */
function withDefault(description: string, field: string): string {
  return describeWithDefault(description, extractConfigSchema, field);
}

/** Config field -> the flag that sets it, so a bad value is reported under the flag's name. */
const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  victim: '--victim',
  queries: '--queries',
  out: '--out',
  rounds: '--rounds',
  lambda: '--lambda',
  seed: '--seed',
  env: '--env',
  jacobianFraction: '--jacobian-fraction',
  updatesPerRound: '--updates-per-round',
  architecture: '--architecture',
  activation: '--activation',
  batchSize: '--batch-size',
  learningRate: '--learning-rate',
  playExploration: '--play-exploration',
  oracleActs: '--oracle-acts',
  learningRateEnd: '--learning-rate-end',
  heldOutEpisodes: '--held-out-episodes',
  evalEpisodes: '--eval-episodes',
  force: '--force',
};

export async function runExtract(args: ExtractArgs, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<void> {
  await withFlagNames(FLAG_OF_FIELD, async () => {
    const input: Record<string, unknown> = { victim: args.victim, queries: args.queries };
    const optional = { rounds: args.rounds, lambda: args.lambda, seed: args.seed, env: args.env, jacobianFraction: args.jacobianFraction, updatesPerRound: args.updatesPerRound, architecture: args.architecture, activation: args.activation, batchSize: args.batchSize, learningRate: args.learningRate, playExploration: args.playExploration, oracleActs: args.oracleActs, learningRateEnd: args.learningRateEnd, heldOutEpisodes: args.heldOutEpisodes, evalEpisodes: args.evalEpisodes };
    for (const [field, value] of Object.entries(optional)) if (value !== undefined) input[field] = value;
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
    yargs
      .option('victim', { type: 'string', demandOption: true, describe: 'victim model folder; only its argmax actions are queried' })
      .option('queries', { type: 'number', demandOption: true, describe: 'oracle queries in all (one per observation labelled)' })
      .option('out', { type: 'string', demandOption: true, describe: 'model folder to write (must be empty or new unless --force)' })
      .option('rounds', { type: 'number', describe: withDefault('substitute training rounds; the budget is split evenly', 'rounds') })
      .option('lambda', { type: 'number', describe: 'Jacobian augmentation step in [0,1] pixel units (default 8/255)' })
      .option('seed', { type: 'number', describe: withDefault('seed for play, sampling and weights', 'seed') })
      .option('env', { type: 'string', describe: withDefault('env id', 'env') })
      .option('jacobian-fraction', { type: 'number', describe: withDefault("share of each later round on Jacobian points, the rest play (0: play only)", 'jacobianFraction') })
      .option('updates-per-round', { type: 'number', describe: withDefault('cross-entropy updates per round', 'updatesPerRound') })
      .option('architecture', { type: 'string', describe: withDefault('substitute net: dqn2013, nature2015, patch6', 'architecture') })
      .option('activation', { type: 'string', describe: withDefault("substitute's hidden nonlinearity: relu, elu, leakyRelu", 'activation') })
      .option('batch-size', { type: 'number', describe: withDefault('cross-entropy minibatch size', 'batchSize') })
      .option('learning-rate', { type: 'number', describe: withDefault('Adam learning rate', 'learningRate') })
      .option('play-exploration', { type: 'number', describe: withDefault("random-action probability in the substitute's own play", 'playExploration') })
      .option('learning-rate-end', { type: 'number', describe: 'learning rate of the last update, reached linearly (default: a tenth of --learning-rate)' })
      .option('oracle-acts', { type: 'number', describe: withDefault("DAgger's β: share of play steps that execute the oracle's answer (already queried) instead of the substitute's action", 'oracleActs') })
      .option('held-out-episodes', { type: 'number', describe: withDefault("episodes of the victim's own play that agreement is measured on", 'heldOutEpisodes') })
      .option('eval-episodes', { type: 'number', describe: withDefault("greedy matches of the substitute's final grade", 'evalEpisodes') })
      .option('force', { type: 'boolean', default: false, describe: 'write into a non-empty --out' })
      .option('backend', { type: 'string', describe: 'tensor backend: auto|node|wasm|cpu' }) as unknown as Argv<ExtractArgs>,
  handler: (args) => runExtract(args),
};
