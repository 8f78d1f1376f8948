/**
 * The models index the page reads (models-index.json): one entry per folder of the models folder
 * that holds an agent.json, model.json and weights.bin, described from its agent.json. Generated
 * when the page is served or built, so the page lists exactly the models that travel with it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readAgentDescription } from '../../../agents/loadPolicy.ts';
import { MODEL_JSON, WEIGHTS_BIN } from '../../core/tensor/fileIO.ts';
import type { ModelEntry } from './page/modelEntry.ts';

/** The files of a model folder the page loads; nothing else of the folder goes into a static build. */
export const MODEL_FILES = ['agent.json', MODEL_JSON, WEIGHTS_BIN] as const;

export interface ModelIndex {
  readonly models: ModelEntry[];
  /** Folders left out, with the reason (printed as warnings). */
  readonly skipped: string[];
}

export function buildModelIndex(modelsDir: string): ModelIndex {
  const models: ModelEntry[] = [];
  const skipped: string[] = [];
  const names = readdirSync(modelsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    const dir = join(modelsDir, name);
    const missing = MODEL_FILES.filter((file) => !(existsSync(join(dir, file)) && statSync(join(dir, file)).isFile()));
    if (missing.length > 0) {
      skipped.push(`${name}: no ${missing.join(', ')}`);
      continue;
    }
    try {
      const description = readAgentDescription(dir);
      const env = description.env?.id;
      if (typeof env !== 'string') throw new Error('agent.json names no env.id');
      if (!(Number.isInteger(description.actionCount) && (description.actionCount ?? 0) > 0)) throw new Error('agent.json has no actionCount');
      models.push({
        name,
        path: `models/${encodeURIComponent(name)}/`,
        env,
        envOptions: description.env?.options ?? {},
        algorithm: description.algorithm,
        actionCount: description.actionCount as number,
        ...meanReturnOf(description),
      });
    } catch (error) {
      skipped.push(`${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  return { models, skipped };
}

function meanReturnOf(description: object): { meanReturn?: number } {
  const evaluation = (description as { evaluation?: { meanReturn?: unknown } }).evaluation;
  return typeof evaluation?.meanReturn === 'number' ? { meanReturn: evaluation.meanReturn } : {};
}
