/**
 * What `advgym train dqn` and `advgym train a3c` share: the flags common to both, and how they
 * layer onto a config before the algorithm's strict schema validates it.
 */
import { readJsonObject } from '../../core/files/readJsonObject.ts';
import { integer, positiveInteger } from './checks.ts';

export interface TrainRunArgs {
  readonly env?: string | undefined;
  readonly out: string;
  readonly config?: string | undefined;
  readonly steps?: number | undefined;
  readonly seed?: number | undefined;
  readonly backend?: string | undefined;
  readonly resume: boolean;
  readonly force: boolean;
}

/**
 * The config to validate: the --config file if given, else with --resume the run's recorded config
 * (`recorded`), else empty; then --env, --steps, --seed and the algorithm's own `extra` flags on top.
 */
export function layeredTrainConfig(args: TrainRunArgs, recorded: () => Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base = args.config !== undefined ? readJsonObject(args.config, 'the config file') : args.resume ? recorded() : {};
  const overrides: Record<string, unknown> = {};
  if (args.env !== undefined) overrides['env'] = args.env;
  if (args.steps !== undefined) overrides['totalSteps'] = positiveInteger('steps', args.steps);
  if (args.seed !== undefined) {
    overrides['seed'] = integer('seed', args.seed);
  }
  return { ...base, ...overrides, ...extra };
}
