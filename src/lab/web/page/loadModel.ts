/**
 * A model folder over HTTP as a Policy: agent.json fetched, model.json + weights.bin through
 * tfjs's standard `tf.loadLayersModel(url)`, wrapped in the same LayersPolicy the CLI uses (so the
 * attacks take the same fused input-gradient path). The browser's counterpart of agents/loadPolicy.ts,
 * which reads from disk with node:fs and so cannot come into the page.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { LayersPolicy } from '../../../../agents/layersPolicy.ts';
import type { AgentDescription } from '../../../../agents/loadPolicy.ts';
import type { ModelEntry } from './modelEntry.ts';

export interface LoadedModel {
  readonly entry: ModelEntry;
  readonly description: AgentDescription;
  readonly policy: LayersPolicy;
}

export async function loadModelFromUrl(entry: ModelEntry, base: string): Promise<LoadedModel> {
  // tfjs picks its HTTP loader only for absolute http(s) URLs, so the folder is resolved first.
  const folder = new URL(entry.path, base);
  const response = await fetch(new URL('agent.json', folder));
  if (!response.ok) throw new Error(`${entry.name}/agent.json: HTTP ${response.status}`);
  const description = (await response.json()) as AgentDescription;
  const model = await tfl.loadLayersModel(new URL('model.json', folder).href);
  const policy = new LayersPolicy(model);
  if (policy.actionCount !== entry.actionCount) {
    model.dispose();
    throw new Error(`${entry.name}: agent.json says ${entry.actionCount} actions but the model has ${policy.actionCount}`);
  }
  return { entry, description, policy };
}
