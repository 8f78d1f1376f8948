/**
 * `advgym audit --resume DIR`: an audit that stopped part way (a closed terminal, a session's end)
 * is a folder of experiments, some finished, one perhaps with saved units, and no report. Every
 * experiment of the plan is a pure function of its config (units.ts), so the resumed audit asks
 * for the same configs in the same order, and each one whose run folder is already there is taken
 * from it instead of being run again: a finished one is read back from its episodes.jsonl, an
 * unfinished one runs only its missing units. Folders are matched by config, not by name.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { FileError, UserError, fileErrorFrom } from '../../core/errors.ts';
import { readJsonObject } from '../../core/files/readJsonObject.ts';
import { parseExperiment, type ExperimentConfig } from '../experiment/config.ts';
import { PENDING_JSON } from '../experiment/pendingRun.ts';

export interface ExistingExperiment {
  readonly dir: string;
  readonly config: ExperimentConfig;
  readonly finished: boolean;
}

/** The experiments of an unfinished audit folder; a finished audit (audit.json) or a non-audit folder is exit 2. */
export function openAuditForResume(dir: string): ExistingExperiment[] {
  if (!existsSync(dir)) throw new FileError(dir, 'no such audit folder');
  if (existsSync(join(dir, 'audit.json'))) throw new FileError(dir, 'this audit is finished (it has an audit.json); nothing to resume');
  const experimentsDir = join(dir, 'experiments');
  if (!existsSync(experimentsDir)) throw new FileError(dir, 'not an audit folder (no experiments/)');
  let names: string[];
  try {
    names = readdirSync(experimentsDir).sort();
  } catch (error) {
    throw fileErrorFrom(experimentsDir, 'list the experiments', error);
  }
  return names
    .filter((name) => existsSync(join(experimentsDir, name, 'config.json')))
    .map((name) => {
      const runDir = join(experimentsDir, name);
      const configPath = join(runDir, 'config.json');
      const config = parseExperiment(readJsonObject(configPath, "an audit experiment's config"), configPath);
      const finished = existsSync(join(runDir, 'summary.json')) && !existsSync(join(runDir, PENDING_JSON));
      return { dir: runDir, config, finished };
    });
}

/** The existing experiment run with exactly this config (as config.json holds it), if any. */
export function findExperiment(existing: readonly ExistingExperiment[], config: ExperimentConfig): ExistingExperiment | undefined {
  const normal = JSON.parse(JSON.stringify(config)) as unknown;
  return existing.find((e) => isDeepStrictEqual(JSON.parse(JSON.stringify(e.config)) as unknown, normal));
}

/**
 * The flags must describe the audit in the folder: the first round's experiments (they hold the
 * model, env, eps, episodes, seed, substitutes and costly mode) must all be there, or the resume
 * would mix two plans in one folder. Configs name model folders, not weights: a model changed in
 * between is not detected.
 */
export function checkSamePlan(dir: string, existing: readonly ExistingExperiment[], firstRound: readonly ExperimentConfig[]): void {
  const missing = firstRound.filter((config) => findExperiment(existing, config) === undefined);
  if (missing.length > 0) {
    throw new UserError(
      `--resume: ${dir} was started with another plan: no experiment there matches ${missing.map((c) => `'${c.name}'`).join(', ')} (give the --model, --substitute, --eps, --episodes, --seed, --env-options and --costly it was started with)`,
    );
  }
}
