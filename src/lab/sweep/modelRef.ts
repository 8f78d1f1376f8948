/**
 * Which model a unit needs: the folder path every worker reads it from, and the content hash that
 * proves the worker's copy is the submitter's. The hash is model.json's `weightsSha256` (written by
 * src/core/tensor/fileIO.ts; loadModel checks the weights against it), or for older folders without
 * it the sha256 of the weight files themselves. Models are NOT shipped through the queue: a worker
 * reads them from its own disk (shared storage or a copy) and refuses units whose hash differs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileError, fileErrorFrom } from '../../core/errors.ts';
import { readJsonObject } from '../../core/files/readJsonObject.ts';
import { MODEL_JSON, sha256Hex } from '../../core/tensor/fileIO.ts';
import type { ExperimentConfig } from '../experiment/config.ts';

export interface ModelRef {
  readonly path: string;
  readonly weightsSha256: string;
}

export interface RunModels {
  readonly victim: ModelRef;
  readonly substitute?: ModelRef;
}

export function modelRef(path: string): ModelRef {
  const jsonPath = join(path, MODEL_JSON);
  const modelJson = readJsonObject(jsonPath, 'a model folder (model.json + weights.bin)');
  if (typeof modelJson['weightsSha256'] === 'string') return { path, weightsSha256: modelJson['weightsSha256'] };
  const manifest = modelJson['weightsManifest'];
  if (!Array.isArray(manifest)) throw new FileError(jsonPath, 'not a tfjs model.json (no weightsManifest)');
  const files = (manifest as { paths?: unknown }[]).flatMap((group) => (Array.isArray(group.paths) ? group.paths.map(String) : []));
  const bytes = files.map((file) => {
    try {
      return readFileSync(join(path, file));
    } catch (error) {
      throw fileErrorFrom(join(path, file), 'read the weights', error);
    }
  });
  return { path, weightsSha256: sha256Hex(Buffer.concat(bytes)) };
}

export function runModels(config: ExperimentConfig): RunModels {
  const victim = modelRef(config.victim);
  return config.substitute === undefined ? { victim } : { victim, substitute: modelRef(config.substitute) };
}

/** Why this machine's copies differ from the run's (undefined: they match); read before any unit runs. */
export function modelMismatch(models: RunModels): string | undefined {
  for (const [role, wanted] of Object.entries(models) as [string, ModelRef][]) {
    let local: ModelRef;
    try {
      local = modelRef(wanted.path);
    } catch (error) {
      return `${role} ${wanted.path}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
    }
    if (local.weightsSha256 !== wanted.weightsSha256) {
      return `${role} ${wanted.path} here has weights sha256 ${local.weightsSha256.slice(0, 12)}…, the run needs ${wanted.weightsSha256.slice(0, 12)}…`;
    }
  }
  return undefined;
}
