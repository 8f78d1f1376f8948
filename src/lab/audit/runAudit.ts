/**
 * Runs an audit plan: the plan's eps first, then the eps sweep one doubling at a time until the
 * strongest attack's mean return reaches the game's worst (or the sweep's cap). Each round's
 * experiments go to `runExperiment` at once (the CLI sends them to one pool of worker threads, a
 * test runs them in this thread), so the audit has no episode loop of its own.
 */
import { gameFacts } from '../../../envs/index.ts';
import { ci95, mean } from '../../core/stats.ts';
import type { ExperimentConfig } from '../experiment/config.ts';
import { expandConditions } from '../experiment/conditions.ts';
import type { ExperimentResult } from '../experiment/runner.ts';
import { gradientMaskingFlags, type CellStat, type Flag } from './flags.ts';
import { baseEps, costlyRoundExperiments, DEFAULT_COSTLY_MODE, firstRoundAttacks, firstRoundExperiments, type CostlyMode, nextSweepEps, REACH_FRACTION, roundExperiments, SWEEP_ATTACKS, type AttackCategory, type AuditPlan, type PlannedExperiment } from './plan.ts';

export type ExperimentRunner = (config: ExperimentConfig, round: number) => Promise<ExperimentResult>;

export interface AuditCell extends CellStat {
  /** Episode i's return, i = 0..episodes-1 (episode i resets with seed + i in every condition). */
  readonly returns: readonly number[];
}

export interface EpsRow {
  readonly eps: number;
  /** Mean over episodes of the per-episode minimum return over every attack run at this eps. */
  readonly perEpisodeMin: { readonly mean: number; readonly ci95: number; readonly returns: readonly number[] };
  /** The attack with the lowest mean return (the minimum of the means, for comparison). */
  readonly strongest: string;
}

export interface AuditResult {
  readonly victim: string;
  readonly env: AuditPlan['env'];
  readonly episodes: number;
  readonly seed: number;
  readonly worstReturn: number;
  readonly bestReturn: number;
  readonly reachLevel: number;
  readonly clean: { readonly mean: number; readonly ci95: number; readonly returns: readonly number[] };
  readonly eps: readonly number[];
  readonly cells: readonly AuditCell[];
  readonly rows: readonly EpsRow[];
  readonly sweep: { readonly epsAdded: readonly number[]; readonly stopped: 'reached-worst' | 'cap' | 'off' };
  /** Where the costly attacks ran (plan.ts COSTLY_ATTACKS). */
  readonly costly: CostlyMode;
  readonly flags: readonly Flag[];
}

interface Collected {
  clean?: number[];
  cells: AuditCell[];
}

function collect(planned: PlannedExperiment, result: ExperimentResult, into: Collected): void {
  const labels = expandConditions(planned.config).map((c) => c.label);
  planned.conditions.forEach((what, i) => {
    const label = labels[i];
    const summary = result.conditions[i];
    if (summary === undefined || summary.label !== label) throw new Error(`audit: the run's condition ${i} is not '${label}'`);
    const returns = result.episodes.filter((e) => e.condition === label).sort((a, b) => a.episode - b.episode).map((e) => e.return);
    if (what.attack === 'clean') {
      into.clean = returns;
      return;
    }
    const { attack, category, eps } = what as { attack: string; category: AttackCategory; eps: number };
    into.cells.push({ attack, category, eps, mean: summary.meanReturn, ci95: summary.ci95, returns });
  });
}

function strongestMean(cells: readonly AuditCell[], eps: number): number {
  return Math.min(...cells.filter((c) => c.eps === eps).map((c) => c.mean));
}

function rowsOf(cells: readonly AuditCell[], eps: readonly number[], episodes: number): EpsRow[] {
  return eps.map((e) => {
    const here = cells.filter((c) => c.eps === e);
    const minima = Array.from({ length: episodes }, (_, i) => Math.min(...here.map((c) => c.returns[i] ?? Number.POSITIVE_INFINITY)));
    const strongest = here.reduce((a, b) => (b.mean < a.mean ? b : a));
    return { eps: e, perEpisodeMin: { mean: mean(minima), ci95: ci95(minima), returns: minima }, strongest: strongest.attack };
  });
}

export async function runAudit(plan: AuditPlan, runExperiment: ExperimentRunner, onRound?: (round: number, eps: readonly number[]) => void): Promise<AuditResult> {
  const facts = gameFacts(plan.env.id, plan.env.options);
  const worst = facts.worstReturn;
  const collected: Collected = { cells: [] };
  const runPlanned = async (round: number, eps: readonly number[], planned: readonly PlannedExperiment[]): Promise<void> => {
    onRound?.(round, eps);
    const results = await Promise.all(planned.map((p) => runExperiment(p.config, round)));
    planned.forEach((p, i) => collect(p, results[i] as ExperimentResult, collected));
  };
  const runRound = (round: number, eps: readonly number[], withClean: boolean, only?: readonly string[]): Promise<void> => runPlanned(round, eps, roundExperiments(plan, round, eps, withClean, only));

  const base = baseEps(plan);
  const first = firstRoundAttacks(plan);
  await runPlanned(0, base, firstRoundExperiments(plan));
  // Seaquest's score is unbounded: its range is then clean play's mean.
  const best = facts.bestReturn ?? mean(collected.clean ?? [worst]);
  const reachLevel = worst + REACH_FRACTION * Math.max(0, best - worst);
  let round = 1;
  if (first !== undefined) {
    // The costly attacks where their check can still fire (plan.ts COSTLY_ATTACKS).
    const levels = { far: worst + 0.5 * (mean(collected.clean ?? [worst]) - worst), reach: reachLevel };
    const planned = costlyRoundExperiments(plan, round, collected.cells, levels);
    const eps = [...new Set(planned.flatMap((p) => p.conditions.flatMap((c) => ('eps' in c ? [c.eps] : []))))].sort((a, b) => a - b);
    await runPlanned(round++, eps, planned);
  }
  const done = [...base];
  const epsAdded: number[] = [];
  const reached = (): boolean => done.some((e) => strongestMean(collected.cells, e) <= reachLevel);
  let stopped: AuditResult['sweep']['stopped'] = plan.maxDoublings === 0 ? 'off' : 'reached-worst';
  for (; plan.maxDoublings > 0 && !reached(); round++) {
    const next = nextSweepEps(plan, done);
    if (next === undefined) {
      stopped = 'cap';
      break;
    }
    await runRound(round, [next], false, SWEEP_ATTACKS);
    done.push(next);
    epsAdded.push(next);
  }
  if (stopped === 'reached-worst' && !reached()) stopped = 'cap';

  const clean = collected.clean ?? [];
  const cells = [...collected.cells].sort((a, b) => a.eps - b.eps);
  const cleanStat = { mean: mean(clean), ci95: ci95(clean), returns: clean };
  const flags = gradientMaskingFlags({ worst, clean: cleanStat, cells, sweepCapped: stopped === 'cap', reachLevel });
  return {
    victim: plan.victim,
    env: plan.env,
    episodes: plan.episodes,
    seed: plan.seed,
    worstReturn: worst,
    bestReturn: best,
    reachLevel,
    clean: cleanStat,
    eps: done,
    cells,
    rows: rowsOf(cells, done, plan.episodes),
    sweep: { epsAdded, stopped },
    costly: plan.costly ?? DEFAULT_COSTLY_MODE,
    flags,
  };
}
