/**
 * Frame skipping as in DQN (Mnih et al. 2015) and Gymnasium's MaxAndSkipObservation: the action is
 * repeated `skip` frames, rewards are summed, and the observation is the pixel-wise max of the last
 * two frames (Atari sprites flicker between frames; the max keeps both). Stops early when the
 * episode ends, returning that frame's max with the one before it.
 */
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.ts';
import type { BoxArray } from '../spaces.ts';
import { Wrapper } from './wrapper.ts';

export class MaxAndSkip<Obs extends BoxArray> extends Wrapper<Obs, Obs> {
  constructor(env: Env<Obs>, readonly skip: number) {
    super(env);
    if (!Number.isInteger(skip) || skip < 1) throw new RangeError(`MaxAndSkip: skip must be a positive integer, got ${skip}`);
  }

  reset(options?: ResetOptions): ResetResult<Obs> {
    return this.env.reset(options);
  }

  step(action: number): StepResult<Obs> {
    let reward = 0;
    let previous: StepResult<Obs> | undefined;
    let last: StepResult<Obs> | undefined;
    for (let i = 0; i < this.skip; i++) {
      previous = last;
      last = this.env.step(action);
      reward += last.reward;
      if (last.terminated || last.truncated) break;
    }
    // skip >= 1, so the loop ran at least once. Observations are read only here: a lazily drawn
    // env (envs/gameEnv.ts) never draws the frames that are skipped over.
    const final = last as StepResult<Obs>;
    const observation = previous === undefined ? final.observation : maxOf(previous.observation, final.observation);
    return { observation, reward, terminated: final.terminated, truncated: final.truncated, info: final.info };
  }
}

function maxOf<Obs extends BoxArray>(a: Obs, b: Obs): Obs {
  const out = (a instanceof Uint8Array ? new Uint8Array(a.length) : new Float32Array(a.length)) as Obs;
  for (let i = 0; i < out.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    out[i] = x > y ? x : y;
  }
  return out;
}
