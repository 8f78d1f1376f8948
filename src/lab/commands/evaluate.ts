/**
 * `advgym evaluate --model DIR`: greedy returns of a trained agent over seeded episodes, beside
 * random play on the same seeds. This is how a model folder's headline number is checked (the
 * issues' bars are "mean over 10 seeded matches"); the default seeds (20000 + i) are disjoint from
 * the trainers' periodic evaluations (10000 + i), so a model picked by those is not graded on them.
 */
import { quantile } from 'simple-statistics';
import type { Argv, CommandModule } from 'yargs';
import { makeEnv } from '../../../envs/index.ts';
import { evaluate, evaluateRandom } from '../../../agents/evaluate.ts';
import { loadPolicy, readAgentDescription } from '../../../agents/loadPolicy.ts';
import { actionPreference, actionProbabilities } from '../adversary/timing.ts';
import { FileError } from '../../core/errors.ts';
import { ci95 } from '../../core/stats.ts';
import { Rng } from '../../core/rng.ts';
import { BOUNDS, flagValue, initBackendFromFlag, integer } from './checks.ts';

export interface EvaluateArgs {
  readonly model: string;
  readonly episodes: number;
  readonly seed: number;
  readonly json?: boolean;
  /** Also report the quantiles of the greedy steps' action preference c(s), to choose a timing beta. */
  readonly preference?: boolean;
  readonly backend?: string | undefined;
}

/** Percentiles of c(s) that the report gives: beta = the p-th attacks about (100 - p)% of steps. */
export const PREFERENCE_PERCENTILES = [10, 25, 50, 75, 90] as const;

export interface PreferenceReport {
  /** Greedy steps c(s) was measured on (every step of the evaluated episodes). */
  readonly steps: number;
  /** Percentile -> c(s), e.g. { "75": 0.061 }. */
  readonly percentiles: Readonly<Record<string, number>>;
}

export interface EvaluateReport {
  readonly model: string;
  readonly env: string;
  readonly episodes: number;
  readonly seed: number;
  readonly returns: number[];
  readonly meanReturn: number;
  readonly ci95: number;
  readonly random: { readonly returns: number[]; readonly meanReturn: number; readonly ci95: number };
  readonly preference?: PreferenceReport;
}

export async function runEvaluate(args: EvaluateArgs): Promise<EvaluateReport> {
  const episodes = flagValue('episodes', BOUNDS.episodes, args.episodes);
  integer('seed', args.seed);
  const description = readAgentDescription(args.model);
  if (description.env === undefined) throw new FileError(`${args.model}/agent.json`, "names no env (expected env.id)");
  await initBackendFromFlag(args.backend);
  const policy = await loadPolicy(args.model);
  const env = makeEnv(description.env.id, description.env.options ?? {});
  try {
    const shape = env.observationSpace.shape.join('x');
    if (shape !== policy.inputShape.join('x')) {
      throw new FileError(`${args.model}/model.json`, `takes ${policy.inputShape.join('x')} observations but ${description.env.id} gives ${shape}`);
    }
    const preferences: number[] = [];
    const onLogits = args.preference === true ? (logits: Float32Array) => preferences.push(actionPreference(actionProbabilities(logits))) : undefined;
    const greedy = evaluate(policy, env, episodes, args.seed, { onLogits });
    // The random player's own stream, fixed by the seed so the baseline is reproducible too.
    const random = evaluateRandom(env, episodes, args.seed, Rng.fromSeed(args.seed + 1));
    return {
      model: args.model,
      env: description.env.id,
      episodes,
      seed: args.seed,
      returns: greedy.returns,
      meanReturn: greedy.meanReturn,
      ci95: ci95(greedy.returns),
      random: { returns: random.returns, meanReturn: random.meanReturn, ci95: ci95(random.returns) },
      ...(args.preference === true ? { preference: preferenceReport(preferences) } : {}),
    };
  } finally {
    env.close();
  }
}

function preferenceReport(preferences: number[]): PreferenceReport {
  const values = quantile(preferences, PREFERENCE_PERCENTILES.map((p) => p / 100));
  return { steps: preferences.length, percentiles: Object.fromEntries(PREFERENCE_PERCENTILES.map((p, i) => [String(p), values[i] ?? Number.NaN])) };
}

export const evaluateCommand: CommandModule<object, EvaluateArgs> = {
  command: 'evaluate',
  describe: 'greedy returns of a trained model over seeded episodes, beside random play',
  builder: (yargs: Argv) =>
    yargs
      .option('model', { type: 'string', demandOption: true, describe: 'a trained model folder (models/<name>)' })
      .option('episodes', { type: 'number', default: 10, describe: 'episodes (matches) to play' })
      .option('seed', { type: 'number', default: 20_000, describe: 'episode i resets with seed + i' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
      .option('preference', {
        type: 'boolean',
        default: false,
        describe: "also print percentiles of the greedy steps' action preference c(s) = max - min of softmax(logits) (Lin et al.), to set a strategic timing beta",
      })
      .option('backend', { type: 'string', describe: 'tensor backend: auto|node|wasm|cpu' }) as unknown as Argv<EvaluateArgs>,
  handler: async (args) => {
    const report = await runEvaluate(args);
    if (args.json === true) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const fmt = (value: number): string => value.toFixed(2);
    process.stdout.write(
      `${report.model} on ${report.env}, ${report.episodes} episodes (seeds ${report.seed}..${report.seed + report.episodes - 1})\n` +
        `greedy: ${fmt(report.meanReturn)} ± ${fmt(report.ci95)} (95% CI)  returns ${report.returns.join(' ')}\n` +
        `random: ${fmt(report.random.meanReturn)} ± ${fmt(report.random.ci95)} (95% CI)  returns ${report.random.returns.join(' ')}\n`,
    );
    if (report.preference !== undefined) {
      const { steps, percentiles } = report.preference;
      const listed = Object.entries(percentiles).map(([p, value]) => `p${p} ${value.toPrecision(3)}`).join('  ');
      process.stdout.write(`action preference c(s) over ${steps} greedy steps (strategic timing with beta = the p-th percentile attacks about (100 - p)% of steps): ${listed}\n`);
    }
  },
};
