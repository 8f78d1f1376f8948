/**
 * Cuts an episode after `maxSteps` steps by setting `truncated` (not `terminated`: the game did not
 * end by its rules, so a learner should still bootstrap from the last state).
 */
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.ts';
import type { BoxArray } from '../spaces.ts';
import { Wrapper } from './wrapper.ts';

export class TimeLimit<Obs extends BoxArray> extends Wrapper<Obs, Obs> {
  private elapsed = 0;
  private ended = false;

  constructor(env: Env<Obs>, readonly maxSteps: number) {
    super(env);
    if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new RangeError(`TimeLimit: maxSteps must be a positive integer, got ${maxSteps}`);
  }

  reset(options?: ResetOptions): ResetResult<Obs> {
    this.elapsed = 0;
    this.ended = false;
    return this.env.reset(options);
  }

  step(action: number): StepResult<Obs> {
    if (this.ended) throw new Error(`${this.id}: step() after the episode ended (time limit ${this.maxSteps}); call reset()`);
    const result = this.env.step(action);
    this.elapsed++;
    const truncated = result.truncated || (!result.terminated && this.elapsed >= this.maxSteps);
    this.ended = result.terminated || truncated;
    return { observation: result.observation, reward: result.reward, terminated: result.terminated, truncated, info: result.info };
  }
}
