/**
 * `advgym train a3c`: config file (optional) < flags, validated by the strict A3C schema
 * (agents/a3c/config.ts); --resume continues the model folder in --out with its recorded config
 * (a config file or flags given with --resume override it, e.g. a larger --steps).
 */
import { join } from 'node:path';
import { resolveA3cConfig } from '../../../agents/a3c/config.ts';
import { trainA3c } from '../../../agents/a3c/train.ts';
import { readJsonObject } from '../../core/files/readJsonObject.ts';
import { parseBackendChoice } from '../../core/tensor/backend.ts';
import { positiveInteger } from './checks.ts';
import { layeredTrainConfig, type TrainRunArgs } from './trainConfig.ts';

export interface TrainA3cArgs extends TrainRunArgs {
  readonly workers?: number | undefined;
}

export async function runTrainA3c(args: TrainA3cArgs): Promise<void> {
  const recordedPath = join(args.out, 'config.json');
  const extra: Record<string, unknown> = {};
  if (args.workers !== undefined) extra['workers'] = positiveInteger('workers', args.workers);
  // The backend is part of the A3C config: every worker thread starts its own.
  if (args.backend !== undefined) extra['backend'] = parseBackendChoice(args.backend, '--backend');
  const layered = layeredTrainConfig(args, () => readJsonObject(recordedPath, 'the recorded config of the run to resume'), extra);
  const config = resolveA3cConfig(layered, args.config ?? (args.resume ? recordedPath : 'a3c config'));
  const result = await trainA3c(config, { outDir: args.out, resume: args.resume, force: args.force });
  if (result.interrupted) {
    process.stdout.write(`interrupted at step ${result.globalSteps}; checkpoint saved. Continue with: advgym train a3c --out ${args.out} --resume\n`);
    process.exitCode = 130;
  }
}
