/**
 * Work units: a run is split into (condition, episode) units. A unit's result is a pure function of
 * (config, condition, episode): the env resets with seed + episode, the adversary's random stream
 * is seeded from (seed, condition, episode), and nothing carries over between units. So units may
 * run in any order, in any thread or on any machine, and the run folder assembled from their
 * results is the one a sequential run writes (runner.ts assembleResult).
 */
import type { Policy } from '../../../agents/policy.ts';
import { makeEnv } from '../../../envs/index.ts';
import { AdversarialObservation } from '../adversary/adversarialObservation.ts';
import { makeTiming } from '../adversary/fromConfig.ts';
import { attackEntry } from '../adversary/registry.ts';
import type { Env } from '../../core/gym/env.ts';
import { encodeGif } from '../../core/plot/gif.ts';
import { FieldError, UserError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import type { ExperimentConfig } from './config.ts';
import { attackOptionsOf, expandConditions, type ExpandedCondition } from './conditions.ts';
import { runEpisode, type EpisodeRecord, type StepLog } from './episode.ts';

export interface ExperimentPolicies {
  readonly victim: Policy;
  readonly substitute?: Policy;
}

/** One episode of one expanded condition (its index in expandConditions' order). */
export interface WorkUnit {
  readonly condition: number;
  readonly episode: number;
}

export interface UnitResult extends WorkUnit {
  readonly record: EpisodeRecord;
  /** Only when the config asks for per-step logs. */
  readonly steps?: StepLog[];
  /**
   * Only for episode 0 of a condition in record.conditions: its GIF (record.fps, record.scale),
   * encoded where the unit ran. Encoding is most of such a unit's time (179 panels: ~3 s), so it
   * runs in parallel with other units rather than on the main thread after the last one, and a GIF
   * crosses threads, Redis and units/<id>.json as ~4 MB instead of ~120 MB of raw panels.
   */
  readonly gif?: Uint8Array;
}

/** 'c3-e07'-style ids, stable across processes: job ids in the queue, file names in the run folder. */
export function unitId(unit: WorkUnit): string {
  return `c${unit.condition}-e${unit.episode}`;
}

/** Every unit of a run, condition by condition, episode by episode: the sequential order. */
export function listUnits(config: ExperimentConfig): WorkUnit[] {
  const count = expandConditions(config).length;
  const units: WorkUnit[] = [];
  for (let condition = 0; condition < count; condition++) {
    for (let episode = 0; episode < config.episodes; episode++) units.push({ condition, episode });
  }
  return units;
}

/**
 * The order parallel workers should take units in: the longest expected first, so the run does not
 * end on one long unit while the other workers sit idle (bench/sweepProfile.ts shows the tail).
 * Without timing a unit nothing is known exactly, so three tiers, each kept in the sequential
 * order: recorded units (panels and a GIF: ~4x an attacked unit on the quickstart), attacked units,
 * then clean ones (no attack computation: ~1/3 of an FGSM unit on full Pong matches). Results do not
 * depend on the order (see the file comment); only the wall time does.
 */
export function longestFirst(config: ExperimentConfig, units: readonly WorkUnit[]): WorkUnit[] {
  const conditions = expandConditions(config);
  const tier = (unit: WorkUnit): number => {
    const condition = conditions[unit.condition];
    if (condition === undefined) return 0;
    if (unit.episode === 0 && config.record.conditions.includes(condition.label)) return 2;
    return condition.attack === 'none' ? 0 : 1;
  };
  return units
    .map((unit, index) => ({ unit, index, tier: tier(unit) }))
    .sort((a, b) => b.tier - a.tier || a.index - b.index)
    .map(({ unit }) => unit);
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

/** record.conditions must name expanded conditions; checked before any unit runs. */
export function checkRecordLabels(config: ExperimentConfig, conditions: readonly ExpandedCondition[] = expandConditions(config)): void {
  const unknown = config.record.conditions.filter((label) => !conditions.some((c) => c.label === label));
  if (unknown.length > 0) {
    throw new UserError(`record.conditions: no condition labelled '${unknown[0]}'; labels: ${conditions.map((c) => `'${c.label}'`).join(', ')}`);
  }
}

/**
 * Runs units of one config against loaded models. One env is reused: env.reset({seed}) restarts
 * the game from the seed alone (the Env contract), so reuse changes no result, only saves setup.
 */
export class UnitRunner {
  private readonly env: Env<Float32Array>;
  readonly conditions: ExpandedCondition[];

  constructor(
    private readonly config: ExperimentConfig,
    private readonly policies: ExperimentPolicies,
  ) {
    this.env = makeEnv(config.env.id, config.env.options);
    checkPolicies(config, policies, this.env);
    this.conditions = expandConditions(config);
    checkRecordLabels(config, this.conditions);
  }

  run(unit: WorkUnit): UnitResult {
    const condition = this.conditions[unit.condition];
    if (condition === undefined || !Number.isInteger(unit.episode) || unit.episode < 0 || unit.episode >= this.config.episodes) {
      throw new UserError(`unit ${unitId(unit)}: no such condition or episode in this run`);
    }
    const rng = Rng.fromSeed(conditionSeed(this.config.seed, unit.condition, unit.episode));
    const adversary = adversaryFor(condition, this.policies, rng);
    const recorded = unit.episode === 0 && this.config.record.conditions.includes(condition.label);
    const result = runEpisode(this.env, this.policies.victim, adversary, {
      condition: condition.label,
      episode: unit.episode,
      seed: this.config.seed + unit.episode,
      keepSteps: this.config.perStepLogs,
      recordFrames: recorded ? this.config.record.maxFrames : 0,
    });
    return {
      condition: unit.condition,
      episode: unit.episode,
      record: result.record,
      ...(this.config.perStepLogs ? { steps: result.steps } : {}),
      ...(result.frames.length > 0 ? { gif: encodeGif(result.frames, { fps: this.config.record.fps, scale: this.config.record.scale }) } : {}),
    };
  }

  close(): void {
    this.env.close();
  }
}
