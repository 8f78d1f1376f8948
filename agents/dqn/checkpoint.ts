/**
 * DQN checkpoints, OUT/checkpoint/ (written atomically by agents/training/checkpointDir.ts): online
 * and target weights, Adam state, config.json, state.json (counters, RNG, recent returns, the
 * harness's wall time and best grade) and, with `saveReplay`, the replay buffer (replaySnapshot.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeJsonAtomic } from '../../src/core/files/atomicWrite.ts';
import { FieldError, FileError } from '../../src/core/errors.ts';
import { adam } from '../../src/core/tensor/adam.ts';
import { loadModel, loadOptimizer, saveModel, saveOptimizer } from '../../src/core/tensor/fileIO.ts';
import { buildQNetwork } from '../networks.ts';
import { readRecordedConfig, writeCheckpointDir } from '../training/checkpointDir.ts';
import type { DqnConfig } from './config.ts';
import { DqnLearner } from './learner.ts';
import { headOutputs, spreadQWeights } from './quantiles.ts';
import type { ReplayBuffer } from './replayBuffer.ts';
import { saveReplay } from './replaySnapshot.ts';

export const CHECKPOINT_DIR = 'checkpoint';
/** Weight snapshots for averaging (config.snapshotInterval); not part of the model folder contract. */
export const SNAPSHOTS_DIR = 'snapshots';

/** Counters and RNG saved with each checkpoint. */
export interface DqnTrainingState {
  readonly step: number;
  readonly episodes: number;
  readonly updates: number;
  readonly rngState: number[];
  readonly recentReturns: number[];
  readonly wallSeconds: number;
  readonly bestEvalReturn: number | null;
}

function readState(dir: string): DqnTrainingState {
  const path = join(dir, 'state.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DqnTrainingState;
  } catch (error) {
    throw new FileError(path, `cannot resume: ${(error as Error).message.split('\n')[0]}`);
  }
}

export async function saveDqnCheckpoint(outDir: string, learner: DqnLearner, state: DqnTrainingState, config: DqnConfig, replay?: ReplayBuffer): Promise<void> {
  await writeCheckpointDir(join(outDir, CHECKPOINT_DIR), async (dir) => {
    await saveModel(learner.online, join(dir, 'online'));
    await saveModel(learner.target, join(dir, 'target'));
    await saveOptimizer(learner.optimizer, dir);
    if (replay !== undefined) saveReplay(dir, replay);
    writeJsonAtomic(join(dir, 'config.json'), config);
    writeJsonAtomic(join(dir, 'state.json'), state);
  });
}

/**
 * Loads a checkpoint's nets, Adam and counters. A plain checkpoint resumed with `quantiles` > 0
 * becomes a quantile net whose quantiles all start at their action's Q-value (quantiles.ts
 * spreadQWeights), with a fresh Adam: the old one's moments have the plain head's shapes.
 */
export async function loadDqnCheckpoint(outDir: string, config: DqnConfig, actionCount: number): Promise<{ learner: DqnLearner; state: DqnTrainingState; spread: boolean }> {
  const dir = join(outDir, CHECKPOINT_DIR);
  if (!existsSync(dir)) throw new FileError(dir, 'missing: nothing to resume (train without resume first)');
  const state = readState(dir);
  let online = await loadModel(join(dir, 'online'));
  let target = await loadModel(join(dir, 'target'));
  const shape = online.inputs[0]?.shape.slice(1) as [number, number, number];
  const outputs = online.outputs[0]?.shape[1] ?? 0;
  const needed = headOutputs(actionCount, config.quantiles);
  const spread = config.quantiles > 0 && outputs === actionCount;
  if (spread) {
    [online, target] = [online, target].map((plain) => {
      const quantileNet = buildQNetwork(shape, needed, 0, config.architecture);
      const weights = spreadQWeights(plain.getWeights(), config.quantiles);
      quantileNet.setWeights(weights);
      tf.dispose(weights);
      plain.dispose();
      return quantileNet;
    }) as [tfl.LayersModel, tfl.LayersModel];
  } else if (outputs !== needed) {
    online.dispose();
    target.dispose();
    throw new FileError(join(dir, 'online'), `has ${outputs} outputs, but ${actionCount} actions with quantiles ${config.quantiles} need ${needed}`);
  }
  const optimizer = spread ? adam(config.learningRate, 0.9, 0.999, config.adamEpsilon) : await loadOptimizer(dir);
  return { learner: makeLearner(online, target, optimizer, config, shape, actionCount), state, spread };
}

/** The learner for a config; a quantile net gets a plain Q-network of its architecture to fold into. */
export function makeLearner(online: tfl.LayersModel, target: tfl.LayersModel, optimizer: tf.Optimizer, config: DqnConfig, shape: [number, number, number], actionCount: number): DqnLearner {
  if (config.quantiles === 0) return new DqnLearner(online, target, optimizer, config);
  return new DqnLearner(online, target, optimizer, config, { foldedNetwork: buildQNetwork(shape, actionCount, 0, config.architecture) });
}

/**
 * Copies a model folder's weights (config.initFrom) into freshly built nets of the config's
 * architecture. A plain Q-network (what model folders hold: a quantile net is saved folded) feeding
 * a quantile config spreads each Q-value over its quantiles, as resuming a plain checkpoint does.
 */
export async function initFromModel(dir: string, nets: readonly tfl.LayersModel[], quantiles: number): Promise<void> {
  const source = await loadModel(dir);
  try {
    const shapes = (model: tfl.LayersModel): string => model.getWeights().map((w) => w.shape.join('x')).join(', ');
    const plainOutputs = source.outputs[0]?.shape[1] ?? 0;
    const netOutputs = nets[0]?.outputs[0]?.shape[1] ?? 0;
    const spread = quantiles > 0 && plainOutputs !== netOutputs;
    const weights = spread ? spreadQWeights(source.getWeights(), quantiles) : source.getWeights();
    for (const net of nets) {
      const wanted = net.getWeights().map((w) => w.shape.join('x')).join(', ');
      const given = weights.map((w) => w.shape.join('x')).join(', ');
      if (wanted !== given) throw new FieldError('initFrom', `${dir} holds weights [${shapes(source)}] that do not fit this config's network [${wanted}] (check architecture and quantiles)`);
      net.setWeights(weights);
    }
    if (spread) tf.dispose(weights);
  } finally {
    source.dispose();
  }
}

/** Reads the config a checkpoint was trained with (for resume without a config file). */
export function readCheckpointConfig(outDir: string): Record<string, unknown> {
  return readRecordedConfig(outDir, CHECKPOINT_DIR);
}
