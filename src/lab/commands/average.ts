/**
 * `advgym average --out DIR SNAPSHOT...`: one model folder whose weights are the mean of several
 * snapshots of one training run (agents/averageWeights.ts), graded like a trainer's final weights:
 * greedy returns over seeded matches (default: the trainers' 10 matches at seed 10000) beside random
 * play, in agent.json. The folder is written in full beside DIR and then swapped in, so a failure
 * leaves no half-written model.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { averageModelWeights } from '../../../agents/averageWeights.ts';
import { readAgentDescription } from '../../../agents/loadPolicy.ts';
import { writeCheckpointDir } from '../../../agents/training/checkpointDir.ts';
import { writeJsonAtomic } from '../../core/files/atomicWrite.ts';
import { FileError, UserError } from '../../core/errors.ts';
import { sampleStd } from '../../core/stats.ts';
import { saveModel } from '../../core/tensor/fileIO.ts';
import { BOUNDS, flagValue, initBackendFromFlag, integer, outputDirFlag } from './checks.ts';
import { runEvaluate } from './evaluate.ts';

export interface AverageArgs {
  readonly models: readonly string[];
  readonly out: string;
  readonly episodes: number;
  readonly seed: number;
  readonly force?: boolean;
  readonly backend?: string | undefined;
}

export interface AverageReport {
  readonly out: string;
  readonly meanReturn: number;
  readonly randomMeanReturn: number;
}

/** The agent.json fields that describe one folder's play rather than the network it holds. */
const PER_FOLDER_FIELDS = ['weights', 'evaluation', 'randomBaseline'] as const;

export async function runAverage(args: AverageArgs): Promise<AverageReport> {
  const episodes = flagValue('episodes', BOUNDS.episodes, args.episodes);
  integer('seed', args.seed);
  if (existsSync(args.out) && args.force !== true) throw new UserError(`--out: ${args.out} already exists; pass --force to replace the whole folder`);
  // The folder is written beside --out and renamed into place: its parent must take new folders.
  outputDirFlag('out', args.out);
  const description = sameAgent(args.models);
  await initBackendFromFlag(args.backend);
  const model = await averageModelWeights(args.models);
  let report: AverageReport | undefined;
  try {
    await writeCheckpointDir(args.out, async (dir) => {
      await saveModel(model, dir);
      const agent = { ...description, weights: `mean of ${args.models.length} snapshots`, averagedFrom: args.models };
      // Graded through runEvaluate, which reads the folder (agent.json included) as `advgym evaluate`
      // would; the grade is then added to agent.json.
      writeJsonAtomic(join(dir, 'agent.json'), agent);
      // The last snapshot's resolved training config, when it has one: the run's final settings.
      const config = join(args.models.at(-1) as string, 'config.json');
      if (existsSync(config)) copyFileSync(config, join(dir, 'config.json'));
      const graded = await runEvaluate({ model: dir, episodes, seed: args.seed, backend: args.backend });
      writeJsonAtomic(join(dir, 'agent.json'), {
        ...agent,
        evaluation: { episodes, returns: graded.returns, meanReturn: graded.meanReturn, stdReturn: sampleStd(graded.returns), seed: args.seed },
        randomBaseline: { episodes, meanReturn: graded.random.meanReturn, stdReturn: sampleStd(graded.random.returns), seed: args.seed },
      });
      report = { out: args.out, meanReturn: graded.meanReturn, randomMeanReturn: graded.random.meanReturn };
    });
  } finally {
    model.dispose();
  }
  return report as AverageReport;
}

/**
 * The last folder's agent.json (the latest snapshot: its step count) without the per-folder fields,
 * after checking that all folders agree on the game and the actions.
 */
function sameAgent(dirs: readonly string[]): Record<string, unknown> {
  const descriptions = dirs.map((dir) => readAgentDescription(dir));
  const [first] = descriptions;
  const identity = (d: typeof first): string => JSON.stringify([d?.algorithm, d?.env?.id, d?.env?.options ?? {}, d?.actionCount]);
  for (const [i, description] of descriptions.entries()) {
    if (identity(description) !== identity(first)) {
      throw new FileError(join(dirs[i] as string, 'agent.json'), `describes ${identity(description)} (algorithm, env, options, actions) but ${join(dirs[0] as string, 'agent.json')} describes ${identity(first)}`);
    }
  }
  const kept: Record<string, unknown> = { ...descriptions.at(-1) };
  for (const field of PER_FOLDER_FIELDS) delete kept[field];
  return kept;
}

export const averageCommand: CommandModule<object, AverageArgs> = {
  command: 'average <models..>',
  describe: 'average the weights of snapshots of one training run into one model folder, and grade it',
  builder: (yargs: Argv) =>
    yargs
      .positional('models', { type: 'string', array: true, describe: 'the model folders to average: snapshots of one run, e.g. late checkpoints' })
      .option('out', { type: 'string', demandOption: true, describe: 'model folder to write' })
      .option('episodes', { type: 'number', default: 10, describe: 'matches to grade the average on' })
      .option('seed', { type: 'number', default: 10_000, describe: 'match i resets with seed + i (default: the trainers\' final evaluation)' })
      .option('force', { type: 'boolean', default: false, describe: 'replace --out if it exists' })
      .option('backend', { type: 'string', describe: 'tensor backend: auto|node|wasm|cpu' }) as unknown as Argv<AverageArgs>,
  handler: async (args) => {
    const report = await runAverage(args);
    process.stdout.write(`${report.out}: mean of ${args.models.length} snapshots; greedy ${report.meanReturn.toFixed(2)} over ${args.episodes} matches from seed ${args.seed} (random play ${report.randomMeanReturn.toFixed(2)})\n`);
  },
};
