/**
 * A3C checkpoints are the model folder itself (the shared contract: model.json + weights.bin,
 * agent.json, config.json, training.csv, learning-curve.png) plus what resuming needs:
 * rmsprop.bin (the shared RMSProp statistics g, float32, same order as the weights), episodes.csv
 * and a3c-state.json (counters). Every file is written atomically; a3c-state.json goes last, so a
 * state file always describes weights and statistics that are already complete on disk.
 *
 * The snapshot is taken while workers keep running (Hogwild): it may hold part of an update that
 * was being applied, which is a state the workers themselves can read, so it is a valid model.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomic, writeJsonAtomic } from '../../src/core/files/atomicWrite.ts';
import { FileError } from '../../src/core/errors.ts';
import { readJsonObject } from '../../src/core/files/readJsonObject.ts';
import { loadModel, saveModel } from '../../src/core/tensor/fileIO.ts';
import type { A3cConfig } from './config.ts';
import { writeFlatWeights } from './sharedParams.ts';
import { TrainingLog } from './trainingLog.ts';

export const STATE_JSON = 'a3c-state.json';
export const RMSPROP_BIN = 'rmsprop.bin';
export const EPISODES_CSV = 'episodes.csv';
export const TRAINING_CSV = 'training.csv';

export interface A3cState {
  readonly format: 'advgym-a3c-state';
  readonly globalSteps: number;
  readonly updates: number;
  readonly wallTimeSeconds: number;
  readonly parameterCount: number;
  /** Run segments so far (1 + number of resumes); seeds each segment's workers differently. */
  readonly segments: number;
}

/** What agent.json says besides the training counters (env, actions, evaluation, ...). */
export type AgentFields = Record<string, unknown>;

export interface Snapshot {
  readonly theta: Float32Array;
  readonly meanSquare: Float32Array;
}

export async function saveCheckpoint(dir: string, model: tfl.LayersModel, snapshot: Snapshot, state: A3cState, log: TrainingLog, config: A3cConfig, agent: AgentFields): Promise<void> {
  writeFlatWeights(model, snapshot.theta);
  await saveModel(model, dir);
  writeFileAtomic(join(dir, RMSPROP_BIN), new Uint8Array(snapshot.meanSquare.buffer, snapshot.meanSquare.byteOffset, snapshot.meanSquare.byteLength));
  writeJsonAtomic(join(dir, 'config.json'), config);
  writeFileAtomic(join(dir, EPISODES_CSV), log.episodesCsv());
  writeFileAtomic(join(dir, TRAINING_CSV), log.trainingCsv());
  writeFileAtomic(join(dir, 'learning-curve.png'), log.learningCurvePng(`A3C on ${config.env}: training episodes`));
  writeJsonAtomic(join(dir, 'agent.json'), { algorithm: 'a3c', ...agent, trainedSteps: state.globalSteps, wallTimeSeconds: state.wallTimeSeconds });
  writeJsonAtomic(join(dir, STATE_JSON), state);
}

export interface LoadedCheckpoint {
  readonly model: tfl.LayersModel;
  readonly meanSquare: Float32Array;
  readonly state: A3cState;
  readonly log: TrainingLog;
  readonly config: unknown;
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, STATE_JSON));
}

export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const statePath = join(dir, STATE_JSON);
  const state = readJsonObject(statePath, 'the A3C training state') as Partial<A3cState>;
  if (state.format !== 'advgym-a3c-state' || typeof state.globalSteps !== 'number' || typeof state.parameterCount !== 'number') {
    throw new FileError(statePath, 'not an advgym A3C state file (format, globalSteps, parameterCount)');
  }
  const model = await loadModel(dir);
  const rmspropPath = join(dir, RMSPROP_BIN);
  let bytes: Buffer;
  try {
    bytes = readFileSync(rmspropPath);
  } catch {
    throw new FileError(rmspropPath, 'missing: cannot resume without the optimizer state');
  }
  if (bytes.byteLength !== state.parameterCount * 4) throw new FileError(rmspropPath, `holds ${bytes.byteLength} bytes, expected ${state.parameterCount * 4} (truncated or mismatched)`);
  const meanSquare = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const log = TrainingLog.read(join(dir, EPISODES_CSV), join(dir, TRAINING_CSV));
  return { model, meanSquare, state: state as A3cState, log, config: readJsonObject(join(dir, 'config.json'), 'the config of the run') };
}
