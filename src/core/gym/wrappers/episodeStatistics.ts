/**
 * Adds `info.episode = { return, length }` to the step that ends an episode (terminated or
 * truncated), as Gymnasium's RecordEpisodeStatistics: the undiscounted return and the number of
 * steps, counted at this wrapper's level (agent steps when placed outside frame skipping).
 */
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.ts';
import type { BoxArray } from '../spaces.ts';
import { Wrapper } from './wrapper.ts';

export interface EpisodeSummary {
  readonly return: number;
  readonly length: number;
}

export class EpisodeStatistics<Obs extends BoxArray> extends Wrapper<Obs, Obs> {
  private episodeReturn = 0;
  private episodeLength = 0;

  constructor(env: Env<Obs>) {
    super(env);
  }

  reset(options?: ResetOptions): ResetResult<Obs> {
    this.episodeReturn = 0;
    this.episodeLength = 0;
    return this.env.reset(options);
  }

  step(action: number): StepResult<Obs> {
    const result = this.env.step(action);
    this.episodeReturn += result.reward;
    this.episodeLength++;
    if (!result.terminated && !result.truncated) return result;
    const episode: EpisodeSummary = { return: this.episodeReturn, length: this.episodeLength };
    return { observation: result.observation, reward: result.reward, terminated: result.terminated, truncated: result.truncated, info: { ...result.info, episode } };
  }
}
