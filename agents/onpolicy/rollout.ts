/**
 * The synchronous rollout of PPO and TRPO: N envs stepped in lockstep, one batched forward pass
 * per step for all of them (A2C/PPO's vectorized env, as CleanRL's SyncVectorEnv), T steps per
 * rollout, stored time-major (row t * N + e). Rewards are clipped for learning and life losses cut
 * the bootstrap exactly as the DQN and A3C learners do (agents/training/clipReward.ts,
 * lifeLoss.ts); logged episode returns stay in game points. An env whose episode ends resets at
 * once (auto-reset), with the next episode seed from the learner's stream.
 *
 * Resume, bit for bit: every env records its current episode as (reset seed, actions so far).
 * The env contract makes a trajectory a function of those two (src/core/gym/env.ts), so a resumed
 * run replays them into fresh envs and stands exactly where the checkpoint was, mid-episode,
 * frame stack and life count included, without any env having to serialize its state.
 */
import type { Env } from '../../src/core/gym/env.ts';
import type { Rng } from '../../src/core/rng.ts';
import { sampleFromLogits } from '../a3c/actorLearner.ts';
import { clipReward } from '../training/clipReward.ts';
import { LifeLossTracker } from '../training/lifeLoss.ts';
import { logSoftmaxRow } from '../categorical.ts';

/** The acting network(s): policy logits [n, A] and values [n] for n observations. */
export type BatchForward = (observations: Float32Array, count: number) => { logits: Float32Array; values: Float32Array };

export interface RolloutOptions {
  readonly rewardClip: number;
  readonly terminalOnLifeLoss: boolean;
  readonly gamma: number;
}

/** One env's current episode, as a checkpoint stores it. */
export interface EpisodeRecord {
  readonly seed: number;
  readonly actions: number[];
}

export interface FinishedEpisode {
  readonly return: number;
  readonly length: number;
}

/** T x N transitions (rows t * N + e). */
export class RolloutBuffer {
  readonly observations: Float32Array;
  readonly actions: Int32Array;
  readonly logProbs: Float32Array;
  /** The acting policy's logits [rows, actionCount] (TRPO's KL against the old policy). */
  readonly logits: Float32Array;
  readonly values: Float32Array;
  readonly rewards: Float32Array;
  readonly dones: Uint8Array;
  readonly lastValues: Float32Array;

  constructor(
    readonly steps: number,
    readonly envs: number,
    readonly observationSize: number,
    readonly actionCount: number,
  ) {
    const rows = steps * envs;
    this.logits = new Float32Array(rows * actionCount);
    this.observations = new Float32Array(rows * observationSize);
    this.actions = new Int32Array(rows);
    this.logProbs = new Float32Array(rows);
    this.values = new Float32Array(rows);
    this.rewards = new Float32Array(rows);
    this.dones = new Uint8Array(rows);
    this.lastValues = new Float32Array(envs);
  }

  get rows(): number {
    return this.steps * this.envs;
  }

  /** Observations of the given rows, packed [rows.length, observationSize]. */
  gather(rows: ArrayLike<number>): Float32Array {
    const size = this.observationSize;
    const out = new Float32Array(rows.length * size);
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k] as number;
      out.set(this.observations.subarray(r * size, (r + 1) * size), k * size);
    }
    return out;
  }
}

interface Slot {
  readonly env: Env<Float32Array>;
  readonly lives: LifeLossTracker;
  observation: Float32Array;
  record: EpisodeRecord;
  episodeReturn: number;
}

export class SyncRollout {
  private readonly slots: Slot[];
  private readonly logScratch: Float64Array;

  /** Fresh envs reset with seeds from `rng`, or (resume) replayed into the recorded episodes. */
  constructor(
    envs: readonly Env<Float32Array>[],
    private readonly options: RolloutOptions,
    private readonly rng: Rng,
    readonly actionCount: number,
    records?: readonly EpisodeRecord[],
  ) {
    if (records !== undefined && records.length !== envs.length) throw new RangeError(`SyncRollout: ${records.length} episode records for ${envs.length} envs`);
    this.logScratch = new Float64Array(actionCount);
    this.slots = envs.map((env, e) => {
      const lives = new LifeLossTracker(options.terminalOnLifeLoss);
      const seed = records?.[e]?.seed ?? rng.seed();
      const { observation, info } = env.reset({ seed });
      lives.reset(info);
      const slot: Slot = { env, lives, observation, record: { seed, actions: [] }, episodeReturn: 0 };
      for (const action of records?.[e]?.actions ?? []) {
        const result = env.step(action);
        lives.lostLife(result.info);
        slot.observation = result.observation;
        slot.episodeReturn += result.reward;
        slot.record.actions.push(action);
        if (result.terminated || result.truncated) throw new RangeError(`SyncRollout: the recorded episode of env ${e} ends during replay (not the env it was recorded with)`);
      }
      return slot;
    });
  }

  get envCount(): number {
    return this.slots.length;
  }

  /** The current episodes, for a checkpoint (copies). */
  records(): EpisodeRecord[] {
    return this.slots.map((s) => ({ seed: s.record.seed, actions: [...s.record.actions] }));
  }

  /** Fills `buffer` with buffer.steps lockstep steps of every env; finished episodes go to onEpisode. */
  collect(buffer: RolloutBuffer, forward: BatchForward, onEpisode: (episode: FinishedEpisode) => void): void {
    const n = this.slots.length;
    const size = buffer.observationSize;
    if (buffer.envs !== n) throw new RangeError(`SyncRollout.collect: buffer for ${buffer.envs} envs, rollout has ${n}`);
    const batch = new Float32Array(n * size);
    const { gamma } = this.options;
    for (let t = 0; t < buffer.steps; t++) {
      this.slots.forEach((slot, e) => batch.set(slot.observation, e * size));
      const { logits, values } = forward(batch, n);
      buffer.observations.set(batch, t * n * size);
      buffer.logits.set(logits, t * n * this.actionCount);
      for (let e = 0; e < n; e++) {
        const slot = this.slots[e] as Slot;
        const row = t * n + e;
        const action = sampleFromLogits(logits.subarray(e * this.actionCount, (e + 1) * this.actionCount), this.rng);
        logSoftmaxRow(logits, e, this.actionCount, this.logScratch);
        buffer.actions[row] = action;
        buffer.logProbs[row] = this.logScratch[action] as number;
        buffer.values[row] = values[e] as number;
        const result = slot.env.step(action);
        slot.record.actions.push(action);
        slot.episodeReturn += result.reward;
        let reward = clipReward(result.reward, this.options.rewardClip);
        const lostLife = slot.lives.lostLife(result.info);
        const ended = result.terminated || result.truncated;
        // A time limit is not the game's end: fold gamma * V(last observation) into the reward.
        if (result.truncated && !result.terminated) reward += gamma * (forward(result.observation, 1).values[0] as number);
        buffer.rewards[row] = reward;
        buffer.dones[row] = ended || lostLife ? 1 : 0;
        if (ended) {
          onEpisode({ return: slot.episodeReturn, length: slot.record.actions.length });
          const seed = this.rng.seed();
          const { observation, info } = slot.env.reset({ seed });
          slot.lives.reset(info);
          slot.observation = observation;
          slot.record = { seed, actions: [] };
          slot.episodeReturn = 0;
        } else {
          slot.observation = result.observation;
        }
      }
    }
    this.slots.forEach((slot, e) => batch.set(slot.observation, e * size));
    buffer.lastValues.set(forward(batch, n).values);
  }

  close(): void {
    for (const slot of this.slots) slot.env.close();
  }
}
