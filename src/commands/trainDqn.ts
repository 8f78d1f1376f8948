/**
 * `advgym train dqn`: config file (optional) < flags, validated by the strict DQN schema; --resume
 * continues OUT/checkpoint/ with the checkpoint's config unless a config file is given.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDqnConfig } from '../../agents/dqn/config.ts';
import { readCheckpointConfig, trainDqn } from '../../agents/dqn/train.ts';
import { FileError, UserError } from '../errors.ts';
import { initBackendFromFlag, positiveInteger } from './checks.ts';

export interface TrainDqnArgs {
  readonly env?: string | undefined;
  readonly out: string;
  readonly config?: string | undefined;
  readonly steps?: number | undefined;
  readonly seed?: number | undefined;
  readonly backend?: string | undefined;
  readonly resume: boolean;
  readonly force: boolean;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new FileError(path, 'cannot read the config file');
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new FileError(path, `not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

export async function runTrainDqn(args: TrainDqnArgs): Promise<void> {
  const base = args.config !== undefined ? readConfigFile(args.config) : args.resume ? (readCheckpointConfig(args.out) as Record<string, unknown>) : {};
  const overrides: Record<string, unknown> = {};
  if (args.env !== undefined) overrides['env'] = args.env;
  if (args.steps !== undefined) overrides['totalSteps'] = positiveInteger('steps', args.steps);
  if (args.seed !== undefined) {
    if (!Number.isInteger(args.seed)) throw new UserError(`--seed: must be an integer, got ${args.seed}`);
    overrides['seed'] = args.seed;
  }
  const config = parseDqnConfig({ ...base, ...overrides }, args.config ?? 'config');
  if (!args.resume && existsSync(join(args.out, 'checkpoint')) && !args.force) {
    throw new UserError(`--out: ${args.out} already holds a training run; pass --resume to continue it or --force to start over`);
  }
  await initBackendFromFlag(args.backend);
  const result = await trainDqn(config, args.out, { resume: args.resume });
  if (result.stoppedBy === 'interrupted') {
    process.stdout.write(`interrupted at step ${result.state.step}; checkpoint saved. Continue with: advgym train dqn --out ${args.out} --resume\n`);
    process.exitCode = 130;
  }
}
