/**
 * `advgym train a3c`: config file (optional) < flags, validated by the strict A3C schema
 * (agents/a3c/config.ts); --resume continues the model folder in --out with its recorded config
 * (a config file or flags given with --resume override it, e.g. a larger --steps).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveA3cConfig } from '../../agents/a3c/config.ts';
import { trainA3c } from '../../agents/a3c/train.ts';
import { FileError, UserError } from '../errors.ts';
import { parseBackendChoice } from '../tensor/backend.ts';
import { positiveInteger } from './checks.ts';

export interface TrainA3cArgs {
  readonly env?: string | undefined;
  readonly out: string;
  readonly config?: string | undefined;
  readonly steps?: number | undefined;
  readonly seed?: number | undefined;
  readonly workers?: number | undefined;
  readonly backend?: string | undefined;
  readonly resume: boolean;
  readonly force: boolean;
}

function readJsonObject(path: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new FileError(path, `cannot read the ${what}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new FileError(path, `not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

export async function runTrainA3c(args: TrainA3cArgs): Promise<void> {
  const base = args.config !== undefined ? readJsonObject(args.config, 'config file') : args.resume ? readJsonObject(join(args.out, 'config.json'), 'recorded config of the run to resume') : {};
  const overrides: Record<string, unknown> = {};
  if (args.env !== undefined) overrides['env'] = args.env;
  if (args.steps !== undefined) overrides['totalSteps'] = positiveInteger('steps', args.steps);
  if (args.workers !== undefined) overrides['workers'] = positiveInteger('workers', args.workers);
  if (args.backend !== undefined) overrides['backend'] = parseBackendChoice(args.backend, '--backend');
  if (args.seed !== undefined) {
    if (!Number.isInteger(args.seed)) throw new UserError(`--seed: must be an integer, got ${args.seed}`);
    overrides['seed'] = args.seed;
  }
  const config = resolveA3cConfig({ ...base, ...overrides }, args.config ?? (args.resume ? join(args.out, 'config.json') : 'a3c config'));
  const result = await trainA3c(config, { outDir: args.out, resume: args.resume, force: args.force });
  if (result.interrupted) {
    process.stdout.write(`interrupted at step ${result.globalSteps}; checkpoint saved. Continue with: advgym train a3c --out ${args.out} --resume\n`);
    process.exitCode = 130;
  }
}
