/**
 * A3C checkpoints are the model folder itself (the shared contract: model.json + weights.bin,
 * agent.json, config.json, training.csv, learning-curve.png, written by the harness) plus what
 * resuming needs: rmsprop.bin (the shared RMSProp statistics g, float32, same order as the
 * weights), episodes.csv and a3c-state.json (counters). Every file is written atomically;
 * a3c-state.json goes last, so a state file always describes weights and statistics that are
 * already complete on disk.
 *
 * The snapshot is taken while workers keep running (Hogwild): it may hold part of an update that
 * was being applied, which is a state the workers themselves can read, so it is a valid model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomic, writeJsonAtomic } from '../../src/core/files/atomicWrite.ts';
import { FileError } from '../../src/core/errors.ts';
import { readJsonObject } from '../../src/core/files/readJsonObject.ts';
import { loadModel } from '../../src/core/tensor/fileIO.ts';
import type { A3cConfig } from './config.ts';
import { EpisodeLog } from './episodeLog.ts';

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

/** The optimizer state, episodes and counters; the model files are already written (by the harness). */
export function saveCheckpoint(dir: string, meanSquare: Float32Array, state: A3cState, log: EpisodeLog, config: A3cConfig): void {
  writeFileAtomic(join(dir, RMSPROP_BIN), new Uint8Array(meanSquare.buffer, meanSquare.byteOffset, meanSquare.byteLength));
  writeJsonAtomic(join(dir, 'config.json'), config);
  log.write(join(dir, EPISODES_CSV));
  writeJsonAtomic(join(dir, STATE_JSON), state);
}

export interface LoadedCheckpoint {
  readonly model: tfl.LayersModel;
  readonly meanSquare: Float32Array;
  readonly state: A3cState;
  readonly log: EpisodeLog;
  /** True when episodes.csv was missing and the episode record starts empty. */
  readonly episodesMissing: boolean;
  readonly config: unknown;
}

export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const statePath = join(dir, STATE_JSON);
  const state = readJsonObject(statePath, 'the A3C training state') as Partial<A3cState>;
  if (state.format !== 'advgym-a3c-state' || typeof state.globalSteps !== 'number' || typeof state.parameterCount !== 'number') {
    throw new FileError(statePath, 'not an advgym A3C state file (format, globalSteps, parameterCount)');
  }
  const rmspropPath = join(dir, RMSPROP_BIN);
  let bytes: Buffer;
  try {
    bytes = readFileSync(rmspropPath);
  } catch {
    throw new FileError(rmspropPath, 'missing: cannot resume without the optimizer state');
  }
  if (bytes.byteLength !== state.parameterCount * 4) throw new FileError(rmspropPath, `holds ${bytes.byteLength} bytes, expected ${state.parameterCount * 4} (truncated or mismatched)`);
  const meanSquare = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const { log, missing } = EpisodeLog.read(join(dir, EPISODES_CSV));
  const config = readJsonObject(join(dir, 'config.json'), 'the config of the run');
  const model = await loadModel(dir);
  return { model, meanSquare, state: state as A3cState, log, episodesMissing: missing, config };
}
