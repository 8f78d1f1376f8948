/**
 * `advgym record --model DIR --attack ...`: attack-panel frames of a trained agent's episodes. The
 * attack is a one-condition experiment (src/lab/commands/attackFlags.ts), built into an adversary by the
 * experiment runner's own code, so a GIF shows exactly what `advgym run` measures.
 */
import { loadPolicy } from '../../../agents/loadPolicy.ts';
import type { Env, RgbFrame } from '../../core/gym/env.ts';
import type { ExperimentConfig } from '../experiment/config.ts';
import { expandConditions } from '../experiment/conditions.ts';
import { runEpisode } from '../experiment/episode.ts';
import { adversaryFor, checkPolicies } from '../experiment/runner.ts';
import { Rng } from '../../core/rng.ts';

export interface AttackRecordOptions {
  readonly episodes: number;
  readonly seed: number;
  readonly maxFrames: number;
}

export interface AttackRecording {
  readonly frames: RgbFrame[];
  readonly returns: number[];
  /** Frames whose step the timing strategy chose to attack (the others are labelled in the GIF). */
  readonly attackedFrames: number;
}

/** Records the first (only) condition of `experiment` on `env`, with the models it names (the tensor backend already started). */
export async function recordAttackGif(env: Env<Float32Array>, experiment: ExperimentConfig, options: AttackRecordOptions): Promise<AttackRecording> {
  const [condition] = expandConditions(experiment);
  if (condition === undefined) throw new Error('recordAttackGif: the experiment has no condition');
  const victim = await loadPolicy(experiment.victim);
  const substitute = experiment.substitute === undefined ? undefined : await loadPolicy(experiment.substitute);
  const policies = substitute === undefined ? { victim } : { victim, substitute };
  checkPolicies(experiment, policies, env);
  const frames: RgbFrame[] = [];
  const returns: number[] = [];
  let attackedFrames = 0;
  for (let episode = 0; episode < options.episodes && frames.length < options.maxFrames; episode++) {
    const result = runEpisode(env, victim, adversaryFor(condition, policies, Rng.fromSeed(options.seed + episode)), {
      condition: condition.label,
      episode,
      seed: options.seed + episode,
      keepSteps: false,
      recordFrames: options.maxFrames - frames.length,
      // Every step is a frame, so the episode's attacked steps are the attacked frames.
      maxSteps: options.maxFrames - frames.length,
    });
    frames.push(...result.frames);
    returns.push(result.record.return);
    attackedFrames += result.record.attackedSteps;
  }
  return { frames, returns, attackedFrames };
}
