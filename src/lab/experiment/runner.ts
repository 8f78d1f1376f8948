/**
 * Runs every condition of an experiment on the same seeded episodes (episode i resets with
 * seed + i), so clean and attacked returns differ only by the attack. Pure computation: files are
 * written by runFolder.ts, models loaded by the caller, so tests can pass hand-built policies.
 */
import type { Policy } from '../../../agents/policy.ts';
import { gameFacts, makeEnv } from '../../../envs/index.ts';
import { AdversarialObservation } from '../adversary/adversarialObservation.ts';
import { makeTiming } from '../adversary/fromConfig.ts';
import { attackEntry } from '../adversary/registry.ts';
import type { Env, RgbFrame } from '../../core/gym/env.ts';
import { FieldError, UserError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import type { ExperimentConfig } from './config.ts';
import { attackOptionsOf, expandConditions, type ExpandedCondition } from './conditions.ts';
import { runEpisode, type EpisodeRecord, type StepLog } from './episode.ts';
import { ci95, degradationPercent, mean, sampleStd } from '../../core/stats.ts';

export interface ExperimentPolicies {
  readonly victim: Policy;
  readonly substitute?: Policy;
}

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
  readonly gifs: { label: string; frames: RgbFrame[] }[];
}

export type ProgressListener = (done: number, total: number, label: string) => void;

/** The lowest return the game allows under the config's env options, for the degradation percentage. */
export function worstReturn(config: ExperimentConfig): number {
  return gameFacts(config.env.id, config.env.options).worstReturn;
}

function conditionSeed(seed: number, conditionIndex: number, episode: number): number {
  // Distinct, reproducible attack-noise streams per condition and episode.
  return (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(conditionIndex + 1, 0x85ebca6b) ^ Math.imul(episode + 1, 0xc2b2ae35)) | 0;
}

/** The adversary of one expanded condition (undefined for the clean one); `advgym record` uses it too. */
export function adversaryFor(condition: ExpandedCondition, policies: ExperimentPolicies, rng: Rng): AdversarialObservation | undefined {
  const spec = condition.spec;
  if (spec === undefined) return undefined;
  const source = spec.threat === 'transfer' ? policies.substitute : policies.victim;
  if (source === undefined) throw new UserError(`${condition.label}: a transfer attack needs a substitute model`);
  const attack = attackEntry(spec.attack).make(attackOptionsOf(spec, condition.eps), condition.label);
  return new AdversarialObservation({ victim: policies.victim, source, attack, timing: makeTiming(spec.timing), rng });
}

/** The models must read the env's observations, and the victim must have its actions. */
export function checkPolicies(config: ExperimentConfig, policies: ExperimentPolicies, env: Env<Float32Array>): void {
  const observationShape = env.observationSpace.shape;
  for (const [role, policy] of Object.entries(policies) as [string, Policy | undefined][]) {
    if (policy === undefined) continue;
    if (policy.inputShape.join('x') !== observationShape.join('x')) {
      throw new UserError(`${role}: model expects observations ${policy.inputShape.join('x')} but ${config.env.id} gives ${observationShape.join('x')}`);
    }
  }
  for (const [role, policy] of Object.entries(policies) as [string, Policy | undefined][]) {
    if (policy !== undefined && policy.actionCount !== env.actionSpace.n) {
      // A substitute with other actions (a Seaquest model against Pong) would attack with losses over the wrong actions.
      throw new FieldError(role, `model has ${policy.actionCount} actions but ${config.env.id} has ${env.actionSpace.n}`);
    }
  }
}

export function runExperiment(config: ExperimentConfig, policies: ExperimentPolicies, onProgress?: ProgressListener): ExperimentResult {
  const env = makeEnv(config.env.id, config.env.options);
  checkPolicies(config, policies, env);
  const conditions = expandConditions(config);
  const unknown = config.record.conditions.filter((label) => !conditions.some((c) => c.label === label));
  if (unknown.length > 0) {
    throw new UserError(`record.conditions: no condition labelled '${unknown[0]}'; labels: ${conditions.map((c) => `'${c.label}'`).join(', ')}`);
  }
  const episodes: EpisodeRecord[] = [];
  const steps: ExperimentResult['steps'] = [];
  const gifs: ExperimentResult['gifs'] = [];
  const total = conditions.length * config.episodes;
  let done = 0;
  conditions.forEach((condition, conditionIndex) => {
    const record = config.record.conditions.includes(condition.label);
    for (let episode = 0; episode < config.episodes; episode++) {
      const rng = Rng.fromSeed(conditionSeed(config.seed, conditionIndex, episode));
      const adversary = adversaryFor(condition, policies, rng);
      const result = runEpisode(env, policies.victim, adversary, {
        condition: condition.label,
        episode,
        seed: config.seed + episode,
        keepSteps: config.perStepLogs,
        recordFrames: record && episode === 0 ? config.record.maxFrames : 0,
      });
      episodes.push(result.record);
      if (config.perStepLogs) steps.push({ condition: condition.label, episode, steps: result.steps });
      if (result.frames.length > 0) gifs.push({ label: condition.label, frames: result.frames });
      onProgress?.(++done, total, condition.label);
    }
  });
  env.close();
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
