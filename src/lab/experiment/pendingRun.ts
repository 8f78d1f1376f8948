/**
 * The life of a run folder while its units run. The folder is made first, with config.json and
 * pending.json (how the run was started); each unit's result lands in units/<id>.json the moment it
 * arrives, written atomically. A run whose submitter died is therefore a folder with some units and
 * no summary: `advgym run --resume DIR` reads what is there and runs only the rest. When every unit
 * is in, the usual files are written (runFolder.ts) and units/ and pending.json are removed.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fileErrorFrom, FileError } from '../../core/errors.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../core/files/atomicWrite.ts';
import { readJsonObject } from '../../core/files/readJsonObject.ts';
import { parseStrict } from '../../core/validation.ts';
import { parseExperiment, type ExperimentConfig } from './config.ts';
import { expandConditions } from './conditions.ts';
import { createRunFolder, writeRunFolder, type RunMetadata } from './runFolder.ts';
import { assembleResult, type ExperimentResult } from './runner.ts';
import { decodeUnitResult, encodeUnitResult, episodeRecordSchema } from './unitFile.ts';
import { listUnits, unitId, type UnitResult } from './units.ts';

export const UNITS_DIR = 'units';
export const PENDING_JSON = 'pending.json';

const pendingSchema = z.strictObject({
  configPath: z.string(),
  startedAt: z.string(),
  /** Set when the units go through a job queue: where, and under which queue name. */
  queue: z.strictObject({ url: z.string(), name: z.string() }).optional(),
});
export type PendingInfo = z.output<typeof pendingSchema>;

export interface PendingRun {
  readonly dir: string;
  readonly config: ExperimentConfig;
  readonly info: PendingInfo;
}

/** A new run folder holding config.json and pending.json; no unit has run yet. */
export function startRun(root: string, config: ExperimentConfig, info: PendingInfo, now = new Date()): PendingRun {
  const dir = createRunFolder(root, config.name, now);
  writeJsonAtomic(join(dir, 'config.json'), config);
  writeJsonAtomic(join(dir, PENDING_JSON), info);
  return { dir, config, info };
}

/** Re-opens a run folder for --resume; a folder that is not an unfinished run is exit 2. */
export function openPendingRun(dir: string): PendingRun {
  if (!existsSync(dir)) throw new FileError(dir, 'no such run folder');
  if (existsSync(join(dir, 'summary.json')) && !existsSync(join(dir, PENDING_JSON))) throw new FileError(dir, 'this run is finished (it has a summary.json); nothing to resume');
  const pendingPath = join(dir, PENDING_JSON);
  if (!existsSync(pendingPath)) throw new FileError(dir, `not an unfinished run folder (no ${PENDING_JSON})`);
  const info = parseStrict(pendingSchema, readJsonObject(pendingPath, 'the state of an unfinished run'), pendingPath);
  const configPath = join(dir, 'config.json');
  const config = parseExperiment(readJsonObject(configPath, "the run's config"), configPath);
  return { dir, config, info };
}

export function saveUnit(dir: string, result: UnitResult): void {
  writeFileAtomic(join(dir, UNITS_DIR, `${unitId(result)}.json`), encodeUnitResult(result));
}

/**
 * Whether a unit result is one of `config`'s units: a planned (condition, episode), the condition's
 * label and the episode's seed. What a run folder holds is checked with it before it is used.
 */
function isUnitOf(config: ExperimentConfig): (result: UnitResult) => boolean {
  const labels = expandConditions(config).map((c) => c.label);
  const wanted = new Set(listUnits(config).map(unitId));
  return (result) => wanted.has(unitId(result)) && result.record.condition === labels[result.condition] && result.record.seed === config.seed + result.episode;
}

/**
 * The units already finished in a run folder. Each must be one of this run's units (its label and
 * seed match the config): a file from another run is an error, not a silently mixed summary.
 */
export function finishedUnits(run: PendingRun): UnitResult[] {
  const folder = join(run.dir, UNITS_DIR);
  if (!existsSync(folder)) return [];
  const ofThisRun = isUnitOf(run.config);
  const results: UnitResult[] = [];
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    throw fileErrorFrom(folder, 'list the finished units', error);
  }
  for (const name of names.sort()) {
    if (name.startsWith('.') || !name.endsWith('.json')) continue; // temp files of a write that never finished
    const path = join(folder, name);
    let result: UnitResult;
    try {
      result = decodeUnitResult(readFileSync(path, 'utf8'), path);
    } catch (error) {
      throw new FileError(path, `not a unit result of this run (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`);
    }
    if (!ofThisRun(result) || name !== `${unitId(result)}.json`) {
      throw new FileError(path, "not a unit result of this run (its condition, episode or seed differ from the run's config)");
    }
    results.push(result);
  }
  return results;
}

/** Writes the finished run's files, then drops the per-unit files they were assembled from. */
export function finishRun(run: PendingRun, result: ExperimentResult, metadata: RunMetadata): void {
  writeRunFolder(run.dir, run.config, result, metadata);
  rmSync(join(run.dir, PENDING_JSON), { force: true });
  rmSync(join(run.dir, UNITS_DIR), { recursive: true, force: true });
}

/** A run's --resume hint, for messages when a run stops part way. */
export function resumeHint(run: PendingRun): string {
  return `advgym run --resume ${run.dir}`;
}

/**
 * A finished run's result read back from its episodes.jsonl, for `advgym audit --resume`, which
 * reuses the experiments an audit finished before it stopped. Each line becomes the unit result it
 * was assembled from and assembleResult rebuilds the summary (a pure function of the records). A
 * run that kept per-step logs or GIFs cannot be read back this way: episodes.jsonl does not hold them.
 */
export function readFinishedRun(dir: string, config: ExperimentConfig): ExperimentResult {
  const path = join(dir, 'episodes.jsonl');
  if (config.perStepLogs || config.record.conditions.length > 0) throw new FileError(dir, 'a run with per-step logs or GIFs cannot be read back from episodes.jsonl');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fileErrorFrom(path, "read the run's episodes", error);
  }
  const labels = expandConditions(config).map((c) => c.label);
  const ofThisRun = isUnitOf(config);
  const units: UnitResult[] = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const source = `${path}:${i + 1}`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new FileError(source, 'not a JSON line');
      }
      const record = parseStrict(episodeRecordSchema, parsed, source);
      const unit = { condition: labels.indexOf(record.condition), episode: record.episode, record };
      if (!ofThisRun(unit)) throw new FileError(source, "not an episode of this run's config (its condition, episode or seed differ)");
      return unit;
    });
  try {
    return assembleResult(config, units);
  } catch (error) {
    throw new FileError(path, `not a whole run (${(error as Error).message})`);
  }
}
