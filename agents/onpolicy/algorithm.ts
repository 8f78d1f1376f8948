/**
 * The registry entry PPO and TRPO share (agents/registry/algorithms.ts): both run the synchronous
 * on-policy learner (training.ts) with their own updater, start their backend from the config,
 * resume from OUT/checkpoint/config.json and refuse a training-observation hook (train.ts). An
 * algorithm of this family gives its name, description, schema, own flags and updater factory.
 */
import type { z } from 'zod';
import { defineAlgorithm, type Algorithm, type AlgorithmFlag } from '../training/algorithm.ts';
import { readRecordedConfig } from '../training/checkpointDir.ts';
import type { OnPolicyConfig } from './config.ts';
import { outcomeOf, trainOnPolicy } from './train.ts';
import { CHECKPOINT_DIR } from './training.ts';
import type { UpdaterFactory } from './updater.ts';

export interface OnPolicyEntry<Schema extends z.ZodType<OnPolicyConfig>> {
  readonly name: string;
  readonly description: string;
  readonly schema: Schema;
  readonly flags: readonly AlgorithmFlag[];
  readonly updaterFactory: UpdaterFactory<z.output<Schema>>;
}

export function defineOnPolicyAlgorithm<Schema extends z.ZodType<OnPolicyConfig>>(entry: OnPolicyEntry<Schema>): Algorithm {
  const { name, description, schema, flags, updaterFactory } = entry;
  return defineAlgorithm({
    name,
    description,
    schema,
    flags,
    backendField: 'backend',
    recordedConfig: (outDir) => readRecordedConfig(outDir, CHECKPOINT_DIR),
    train: async (config, outDir, options) => outcomeOf(await trainOnPolicy(name, config, updaterFactory, outDir, options)),
  });
}
