/**
 * `advgym train dqn`: config file (optional) < flags, validated by the strict DQN schema; --resume
 * continues OUT/checkpoint/ with the checkpoint's config unless a config file is given.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseDqnConfig } from '../../../agents/dqn/config.ts';
import { readCheckpointConfig, trainDqn } from '../../../agents/dqn/train.ts';
import { UserError } from '../../core/errors.ts';
import { initBackendFromFlag } from './checks.ts';
import { layeredTrainConfig, type TrainRunArgs } from './trainConfig.ts';

export type TrainDqnArgs = TrainRunArgs;

export async function runTrainDqn(args: TrainDqnArgs): Promise<void> {
  const layered = layeredTrainConfig(args, () => readCheckpointConfig(args.out) as Record<string, unknown>);
  const config = parseDqnConfig(layered, args.config ?? 'config');
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
