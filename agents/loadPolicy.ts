/**
 * Loads a trained agent folder (models/<name>/: model.json + weights.bin in the tfjs layers format,
 * and agent.json describing it) as a Policy. Needs a backend (src/core/tensor/backend.ts initBackend).
 */
import { join } from 'node:path';
import { FileError } from '../src/core/errors.ts';
import { readJsonObject } from '../src/core/files/readJsonObject.ts';
import { loadModel } from '../src/core/tensor/fileIO.ts';
import { LayersPolicy } from './layersPolicy.ts';
import type { Policy } from './policy.ts';

export interface AgentDescription {
  readonly algorithm: 'dqn' | 'a3c' | string;
  readonly env?: { readonly id: string; readonly options?: Record<string, unknown> };
  readonly inputShape?: readonly number[];
  readonly actionCount?: number;
}

export function readAgentDescription(dir: string): AgentDescription {
  const path = join(dir, 'agent.json');
  const description = readJsonObject(path, 'the description of a trained model folder (agent.json, model.json, weights.bin)');
  if (typeof description['algorithm'] !== 'string') throw new FileError(path, "corrupt: names no 'algorithm'");
  return description as unknown as AgentDescription;
}

export async function loadPolicy(dir: string): Promise<Policy> {
  const description = readAgentDescription(dir);
  const policy = new LayersPolicy(await loadModel(dir));
  if (description.actionCount !== undefined && description.actionCount !== policy.actionCount) {
    throw new FileError(join(dir, 'agent.json'), `says ${description.actionCount} actions but the model has ${policy.actionCount}`);
  }
  return policy;
}
