/**
 * Writes one run's results into a NEW folder (runs/<name>-<timestamp>[-n]); never overwrites.
 * Every file is written atomically. summary.json holds no times, so the same config and seed give
 * an identical summary.json; wall time and versions live in run.json.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../core/files/atomicWrite.ts';
import { makeFolders } from '../../core/files/outputPath.ts';
import { fileErrorFrom } from '../../core/errors.ts';
import { renderLinePlot, type LineSeries } from '../../core/plot/linePlot.ts';
import type { ExperimentConfig } from './config.ts';
import type { ConditionSummary, ExperimentResult } from './runner.ts';

/** Creates runs/<name>-<stamp>, adding -2, -3, ... if that folder exists already. */
export function createRunFolder(root: string, name: string, now = new Date()): string {
  try {
    makeFolders(root);
  } catch (error) {
    throw fileErrorFrom(root, 'create the runs folder', error);
  }
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  for (let n = 1; ; n++) {
    const dir = join(root, `${name}-${stamp}${n === 1 ? '' : `-${n}`}`);
    try {
      mkdirSync(dir); // not recursive: fails if it exists, so two runs never share a folder
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fileErrorFrom(dir, 'create the run folder', error);
    }
  }
}

const CSV_COLUMNS = ['label', 'attack', 'norm', 'eps', 'episodes', 'meanReturn', 'ci95', 'stdReturn', 'degradationPercent', 'actionChangeRate', 'actionChangeRateAllSteps', 'attackRate', 'deltaL0', 'deltaL1', 'deltaL2', 'deltaLinf'] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function summaryCsv(conditions: readonly ConditionSummary[]): string {
  const rows = conditions.map((c) =>
    [c.label, c.attack, c.norm, c.eps, c.episodes, c.meanReturn, c.ci95, c.stdReturn, c.degradationPercent, c.actionChangeRate, c.actionChangeRateAllSteps, c.attackRate, c.meanDelta.l0, c.meanDelta.l1, c.meanDelta.l2, c.meanDelta.linf]
      .map(csvCell)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\n')}\n`;
}

/** One return-vs-eps plot per norm: a line per attack kind (and timing/threat variant), clean dashed. */
export function returnVsEpsPlots(config: ExperimentConfig, conditions: readonly ConditionSummary[]): Map<string, Buffer> {
  const plots = new Map<string, Buffer>();
  const clean = conditions.find((c) => c.attack === 'none');
  const norms = [...new Set(conditions.map((c) => c.norm).filter((n): n is string => n !== null))];
  for (const norm of norms) {
    const attacked = conditions.filter((c) => c.norm === norm && c.eps > 0);
    if (attacked.length === 0) continue;
    // Group by the label without its eps, so each sweep is one line.
    const groups = new Map<string, ConditionSummary[]>();
    for (const c of attacked) {
      const key = c.label.replace(/ eps=[^ ]+/, '');
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    const epsValues = attacked.map((c) => c.eps);
    const series: LineSeries[] = [...groups].map(([name, points]) => ({
      name,
      x: points.map((p) => p.eps),
      y: points.map((p) => p.meanReturn),
      lower: points.map((p) => p.meanReturn - p.ci95),
      upper: points.map((p) => p.meanReturn + p.ci95),
      ...(name.startsWith('random') ? { dashed: true } : {}),
    }));
    if (clean) {
      series.push({ name: 'clean', x: [Math.min(...epsValues), Math.max(...epsValues)], y: [clean.meanReturn, clean.meanReturn], dashed: true, points: false, color: '#000000' });
    }
    plots.set(
      norm,
      renderLinePlot({
        title: `${config.name}: ${config.env.id}, return vs eps (${norm}), mean ± 95% CI over ${config.episodes} episodes`,
        xLabel: `eps (${norm}, [0,1] pixel units, log scale)`,
        yLabel: 'episode return',
        logX: true,
        series,
      }),
    );
  }
  return plots;
}

export interface RunMetadata {
  readonly configPath: string;
  readonly backend: unknown;
  readonly versions: Record<string, string>;
  readonly wallSeconds: number;
  readonly startedAt: string;
  /** How the units were spread (threads, queue workers); like wallSeconds, not part of the result. */
  readonly spread?: RunSpread;
}

export interface RunSpread {
  readonly mode: 'in-process' | 'threads' | 'queue';
  /** Threads (threads mode), or the queue workers that returned units (queue mode). */
  readonly workers: number;
  readonly units: number;
  /** Units found finished in the folder when the run was resumed (0 for a fresh run). */
  readonly resumedUnits: number;
  /** Queue mode: units returned per worker (hostname:pid); threads mode: by the threads, and by the main thread while they started. */
  readonly unitsByWorker?: Record<string, number>;
}

export function writeRunFolder(dir: string, config: ExperimentConfig, result: ExperimentResult, metadata: RunMetadata): string[] {
  const written: string[] = [];
  const put = (name: string, write: (path: string) => void): void => {
    const path = join(dir, name);
    write(path);
    written.push(path);
  };
  put('config.json', (p) => writeJsonAtomic(p, config));
  put('run.json', (p) => writeJsonAtomic(p, metadata));
  put('episodes.jsonl', (p) => writeFileAtomic(p, result.episodes.map((e) => JSON.stringify(e)).join('\n') + '\n'));
  if (result.steps.length > 0) {
    put('steps.jsonl', (p) =>
      writeFileAtomic(p, result.steps.flatMap(({ condition, episode, steps }) => steps.map((s) => JSON.stringify({ condition, episode, ...s }))).join('\n') + '\n'),
    );
  }
  put('summary.json', (p) => writeJsonAtomic(p, { name: config.name, env: config.env, episodes: config.episodes, seed: config.seed, conditions: result.conditions }));
  put('summary.csv', (p) => writeFileAtomic(p, summaryCsv(result.conditions)));
  for (const [norm, png] of returnVsEpsPlots(config, result.conditions)) put(`return-vs-eps-${norm}.png`, (p) => writeFileAtomic(p, png));
  // Encoded by the units (units.ts), with the config's record.fps and record.scale.
  for (const { label, gif } of result.gifs) put(`${label.replace(/[^A-Za-z0-9.=-]+/g, '_')}.gif`, (p) => writeFileAtomic(p, gif));
  return written;
}
