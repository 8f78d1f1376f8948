/**
 * One seeded episode of a condition: the victim acts on what the adversary lets it see; the env
 * never sees the attack. Returns the per-episode record and, optionally, per-step logs and frames.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../../../agents/policy.ts';
import type { Env, RgbFrame } from '../../core/gym/env.ts';
import type { AdversarialObservation } from '../adversary/adversarialObservation.ts';
import { composeAttackPanel, newestFrame } from '../../core/plot/panels.ts';

export interface StepLog {
  readonly step: number;
  readonly cleanAction: number;
  readonly action: number;
  readonly reward: number;
  readonly attacked: boolean;
  readonly delta: { readonly l0: number; readonly l1: number; readonly l2: number; readonly linf: number };
}

export interface EpisodeRecord {
  readonly condition: string;
  readonly episode: number;
  readonly seed: number;
  readonly return: number;
  readonly length: number;
  readonly truncated: boolean;
  readonly attackedSteps: number;
  /** Steps where the victim's action on what it saw differs from its action on the clean obs. */
  readonly changedActions: number;
  /** Means over attacked steps (0 when none were attacked). */
  readonly meanDelta: { readonly l0: number; readonly l1: number; readonly l2: number; readonly linf: number };
}

export interface EpisodeOptions {
  readonly condition: string;
  readonly episode: number;
  readonly seed: number;
  readonly keepSteps: boolean;
  /** Record attack panels for the first `recordFrames` steps (0: none). */
  readonly recordFrames: number;
  /** Stop after this many steps (a short recording), as a truncation; unset: play to the end. */
  readonly maxSteps?: number;
}

function greedyAction(policy: Policy, observation: Float32Array): number {
  const [h, w, k] = policy.inputShape;
  return tf.tidy(() => policy.act(tf.tensor4d(observation, [1, h, w, k])))[0] as number;
}

export function runEpisode(
  env: Env<Float32Array>,
  victim: Policy,
  adversary: AdversarialObservation | undefined,
  options: EpisodeOptions,
): { record: EpisodeRecord; steps: StepLog[]; frames: RgbFrame[] } {
  const steps: StepLog[] = [];
  const frames: RgbFrame[] = [];
  const sums = { l0: 0, l1: 0, l2: 0, linf: 0 };
  const [size, , stack] = victim.inputShape;
  const actionNames = env.actionSpace.actionNames;
  let attackedSteps = 0;
  let changedActions = 0;
  let total = 0;
  let length = 0;
  let truncated = false;
  adversary?.resetEpisode();
  let { observation } = env.reset({ seed: options.seed });
  for (;;) {
    const seen = adversary === undefined ? undefined : adversary.perceive(observation);
    const cleanAction = seen === undefined ? greedyAction(victim, observation) : seen.cleanAction;
    const action = seen === undefined ? cleanAction : seen.attackedAction;
    const delta = seen?.deltaNorms ?? { l0: 0, l1: 0, l2: 0, linf: 0 };
    if (seen?.attacked) {
      attackedSteps++;
      for (const key of ['l0', 'l1', 'l2', 'linf'] as const) sums[key] += delta[key];
    }
    if (action !== cleanAction) changedActions++;
    if (frames.length < options.recordFrames) {
      frames.push(
        composeAttackPanel({
          game: env.render(),
          clean: newestFrame(observation, size, stack),
          attacked: newestFrame(seen?.observation ?? observation, size, stack),
          size,
          cleanAction: actionNames[cleanAction] ?? String(cleanAction),
          attackedAction: actionNames[action] ?? String(action),
          wasAttacked: seen?.attacked ?? false,
        }),
      );
    }
    const result = env.step(action);
    total += result.reward;
    if (options.keepSteps) steps.push({ step: length, cleanAction, action, reward: result.reward, attacked: seen?.attacked ?? false, delta });
    length++;
    observation = result.observation;
    if (result.terminated || result.truncated || length === options.maxSteps) {
      truncated = !result.terminated;
      break;
    }
  }
  const perAttack = (value: number): number => (attackedSteps === 0 ? 0 : value / attackedSteps);
  return {
    record: {
      condition: options.condition,
      episode: options.episode,
      seed: options.seed,
      return: total,
      length,
      truncated,
      attackedSteps,
      changedActions,
      meanDelta: { l0: perAttack(sums.l0), l1: perAttack(sums.l1), l2: perAttack(sums.l2), linf: perAttack(sums.linf) },
    },
    steps,
    frames,
  };
}
