/**
 * Runs every condition of an experiment on the same seeded episodes (episode i resets with
 * seed + i), so clean and attacked returns differ only by the attack. Pure computation: files are
 * written by runFolder.ts, models loaded by the caller, so tests can pass hand-built policies.
 * A run is a list of independent work units (units.ts); this file runs them in order and
 * assembles any set of their results into the run's result.
 */
import { gameFacts } from '../../../envs/index.ts';
import type { ExperimentConfig } from './config.ts';
import { expandConditions, type ExpandedCondition } from './conditions.ts';
import type { EpisodeRecord, StepLog } from './episode.ts';
import { listUnits, unitId, UnitRunner, type ExperimentPolicies, type UnitResult } from './units.ts';
export { adversaryFor, checkPolicies, type ExperimentPolicies } from './units.ts';
import { ci95, degradationPercent, mean, sampleStd } from '../../core/stats.ts';

export interface ConditionSummary {
  readonly label: string;
  readonly attack: string;
  readonly norm: string | null;
  readonly eps: number;
  readonly episodes: number;
  readonly meanReturn: number;
  readonly stdReturn: number;
  /** Half-width of the 95% t-interval of the mean return. */
  readonly ci95: number;
  /** See metrics.degradationPercent: 100 = driven to the game's worst return. */
  readonly degradationPercent: number;
  /** Changed actions / attacked steps: how often an attacked step flips the victim's choice. */
  readonly actionChangeRate: number;
  /** Changed actions / all steps (equal to the above when every step is attacked). */
  readonly actionChangeRateAllSteps: number;
  /** Attacked steps / all steps. */
  readonly attackRate: number;
  readonly meanDelta: { readonly l0: number; readonly l1: number; readonly l2: number; readonly linf: number };
}

export interface ExperimentResult {
  readonly conditions: ConditionSummary[];
  readonly episodes: EpisodeRecord[];
  readonly steps: { condition: string; episode: number; steps: StepLog[] }[];
  /** Encoded GIFs (record.conditions), one per recorded condition, in condition order. */
  readonly gifs: { label: string; gif: Uint8Array }[];
}

export type ProgressListener = (done: number, total: number, label: string) => void;

/** The lowest return the game allows under the config's env options, for the degradation percentage. */
export function worstReturn(config: ExperimentConfig): number {
  return gameFacts(config.env.id, config.env.options).worstReturn;
}

/** The sequential path: every unit in order, in this thread (`advgym run --workers 1`). */
export function runExperiment(config: ExperimentConfig, policies: ExperimentPolicies, onProgress?: ProgressListener): ExperimentResult {
  const runner = new UnitRunner(config, policies);
  try {
    const units = listUnits(config);
    const results = units.map((unit, i) => {
      const result = runner.run(unit);
      onProgress?.(i + 1, units.length, result.record.condition);
      return result;
    });
    return assembleResult(config, results);
  } finally {
    runner.close();
  }
}

/**
 * The run's result from its units' results, in whatever order they arrived: sorted back into the
 * sequential order (condition, then episode), so the summary is byte for byte a sequential run's.
 */
export function assembleResult(config: ExperimentConfig, results: readonly UnitResult[]): ExperimentResult {
  const conditions = expandConditions(config);
  const expected = conditions.length * config.episodes;
  const ordered = [...results].sort((a, b) => a.condition - b.condition || a.episode - b.episode);
  const ids = new Set(ordered.map(unitId));
  if (ids.size !== expected || ordered.length !== expected) {
    throw new Error(`assembling a run needs ${expected} distinct unit results, got ${ordered.length} (${ids.size} distinct)`);
  }
  const episodes = ordered.map((r) => r.record);
  const steps = config.perStepLogs ? ordered.map((r) => ({ condition: r.record.condition, episode: r.episode, steps: r.steps ?? [] })) : [];
  const gifs = ordered.flatMap((r) => (r.gif === undefined ? [] : [{ label: r.record.condition, gif: r.gif }]));
  return { conditions: summarize(config, conditions, episodes), episodes, steps, gifs };
}

function summarize(config: ExperimentConfig, conditions: ExpandedCondition[], episodes: EpisodeRecord[]): ConditionSummary[] {
  const cleanLabel = conditions.find((c) => c.attack === 'none')?.label;
  const returnsOf = (label: string): number[] => episodes.filter((e) => e.condition === label).map((e) => e.return);
  const cleanMean = cleanLabel === undefined ? Number.NaN : mean(returnsOf(cleanLabel));
  const worst = worstReturn(config);
  return conditions.map((condition) => {
    const own = episodes.filter((e) => e.condition === condition.label);
    const returns = own.map((e) => e.return);
    const allSteps = own.reduce((a, e) => a + e.length, 0);
    const attacked = own.reduce((a, e) => a + e.attackedSteps, 0);
    const changed = own.reduce((a, e) => a + e.changedActions, 0);
    const weighted = (key: 'l0' | 'l1' | 'l2' | 'linf'): number =>
      attacked === 0 ? 0 : own.reduce((a, e) => a + e.meanDelta[key] * e.attackedSteps, 0) / attacked;
    const meanReturn = mean(returns);
    return {
      label: condition.label,
      attack: condition.attack,
      norm: condition.norm ?? null,
      eps: condition.eps,
      episodes: own.length,
      meanReturn,
      stdReturn: sampleStd(returns),
      ci95: ci95(returns),
      degradationPercent: Number.isNaN(cleanMean) ? Number.NaN : degradationPercent(cleanMean, meanReturn, worst),
      actionChangeRate: attacked === 0 ? 0 : changed / attacked,
      actionChangeRateAllSteps: allSteps === 0 ? 0 : changed / allSteps,
      attackRate: allSteps === 0 ? 0 : attacked / allSteps,
      meanDelta: { l0: weighted('l0'), l1: weighted('l1'), l2: weighted('l2'), linf: weighted('linf') },
    };
  });
}
