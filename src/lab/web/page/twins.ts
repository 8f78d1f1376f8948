/**
 * Two copies of one game on the same seed, stepped in lockstep: the clean twin's agent sees its
 * true observations; the attacked twin's agent sees them through the adversary. Same seed, same
 * rules, same policy: until the first action the attack changes, both play the same game, and
 * from then on the difference on screen is the attack's doing. When either episode ends both
 * start the next one (seed + episode) together, so they stay comparable.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../../../../agents/policy.ts';
import { makeEnv, type EnvOptions } from '../../../../envs/index.ts';
import type { Env, RgbFrame } from '../../../core/gym/env.ts';
import type { AdversarialObservation, Perception } from '../../adversary/index.ts';

export interface TwinStep {
  /** Agent steps since the twins started (both twins take one per call). */
  readonly step: number;
  readonly cleanAction: number;
  /** The attacked twin's perception: its clean observation's action, what it saw and did. */
  readonly perception: Perception;
  /** The attacked twin's clean observation (what it would have seen), [H*W*k]. */
  readonly attackedTwinObservation: Float32Array;
  /** True when this step ended an episode and both twins were reset. */
  readonly episodeEnded: boolean;
}

export interface TwinScores {
  readonly clean: number;
  readonly attacked: number;
  /** Returns of the last finished episode, if any. */
  readonly lastClean?: number;
  readonly lastAttacked?: number;
  readonly episode: number;
}

const NO_DELTA = { l0: 0, l1: 0, l2: 0, linf: 0 } as const;

export class Twins {
  private readonly clean: Env<Float32Array>;
  private readonly attacked: Env<Float32Array>;
  private cleanObs: Float32Array;
  private attackedObs: Float32Array;
  private steps = 0;
  private episode = 0;
  private cleanReturn = 0;
  private attackedReturn = 0;
  private last: { clean: number; attacked: number } | undefined;
  private adversary: AdversarialObservation | undefined;

  constructor(
    readonly envId: string,
    envOptions: EnvOptions,
    readonly policy: Policy,
    readonly seed: number,
  ) {
    this.clean = makeEnv(envId, envOptions);
    this.attacked = makeEnv(envId, envOptions);
    const shape = this.clean.observationSpace.shape.join('x');
    if (shape !== policy.inputShape.join('x')) throw new Error(`the model takes ${policy.inputShape.join('x')} observations but ${envId} gives ${shape}`);
    this.cleanObs = this.clean.reset({ seed }).observation;
    this.attackedObs = this.attacked.reset({ seed }).observation;
  }

  /** The adversary on the attacked twin's observations; undefined = no attack (both twins play clean). */
  setAdversary(adversary: AdversarialObservation | undefined): void {
    this.adversary = adversary;
    adversary?.resetEpisode();
  }

  get actionNames(): readonly string[] {
    return this.clean.actionSpace.actionNames;
  }

  step(): TwinStep {
    const cleanAction = this.act(this.cleanObs);
    const seen = this.attackedObs;
    const perception = this.adversary?.perceive(seen) ?? this.unattacked(seen);
    const cleanResult = this.clean.step(cleanAction);
    const attackedResult = this.attacked.step(perception.attackedAction);
    this.cleanReturn += cleanResult.reward;
    this.attackedReturn += attackedResult.reward;
    this.steps++;
    const ended = cleanResult.terminated || cleanResult.truncated || attackedResult.terminated || attackedResult.truncated;
    if (ended) {
      this.last = { clean: this.cleanReturn, attacked: this.attackedReturn };
      this.episode++;
      this.cleanReturn = 0;
      this.attackedReturn = 0;
      this.cleanObs = this.clean.reset({ seed: this.seed + this.episode }).observation;
      this.attackedObs = this.attacked.reset({ seed: this.seed + this.episode }).observation;
      this.adversary?.resetEpisode();
    } else {
      this.cleanObs = cleanResult.observation;
      this.attackedObs = attackedResult.observation;
    }
    return { step: this.steps, cleanAction, perception, attackedTwinObservation: seen, episodeEnded: ended };
  }

  scores(): TwinScores {
    return {
      clean: this.cleanReturn,
      attacked: this.attackedReturn,
      episode: this.episode,
      ...(this.last === undefined ? {} : { lastClean: this.last.clean, lastAttacked: this.last.attacked }),
    };
  }

  renderClean(): RgbFrame {
    return this.clean.render();
  }

  renderAttacked(): RgbFrame {
    return this.attacked.render();
  }

  close(): void {
    this.clean.close();
    this.attacked.close();
  }

  private act(observation: Float32Array): number {
    const [h, w, k] = this.policy.inputShape;
    return tf.tidy(() => this.policy.act(tf.tensor4d(observation, [1, h, w, k]))[0] ?? 0);
  }

  private unattacked(observation: Float32Array): Perception {
    const action = this.act(observation);
    return { observation, attacked: false, cleanAction: action, attackedAction: action, deltaNorms: NO_DELTA };
  }
}
