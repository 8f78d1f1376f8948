/**
 * `npm run build:web`: the viewer as a static folder any static host serves (no server code): the
 * web build plus, for each model in the index, the three files the page loads. Written into a new
 * temporary folder that then replaces the old one, so a failed build leaves the last good one.
 */
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { buildPageAssets } from './buildPage.ts';
import { buildModelIndex, MODEL_FILES } from './modelIndex.ts';

export interface StaticSiteReport {
  readonly out: string;
  readonly models: string[];
  readonly skipped: string[];
  readonly files: number;
}

export async function writeStaticSite(modelsDir: string, out: string): Promise<StaticSiteReport> {
  const index = buildModelIndex(modelsDir);
  if (index.models.length === 0) throw new UserError(`--models: '${modelsDir}' holds no model folder (agent.json, model.json, weights.bin)`);
  const assets = await buildPageAssets(index.models);
  const staging = `${out}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  let files = 0;
  for (const [path, bytes] of assets) {
    mkdirSync(dirname(join(staging, path)), { recursive: true });
    writeFileSync(join(staging, path), bytes);
    files++;
  }
  for (const model of index.models) {
    mkdirSync(join(staging, 'models', model.name), { recursive: true });
    for (const file of MODEL_FILES) {
      copyFileSync(join(modelsDir, model.name, file), join(staging, 'models', model.name, file));
      files++;
    }
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  renameSync(staging, out);
  return { out, models: index.models.map((m) => m.name), skipped: index.skipped, files };
}
