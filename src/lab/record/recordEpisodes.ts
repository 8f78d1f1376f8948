/** Plays seeded episodes with a chooser and keeps the frames to record (colour renders or panels). */
import type { Env, Info, RgbFrame } from '../../core/gym/env.ts';

export interface RecordedStep {
  readonly observation: Float32Array;
  readonly info: Info;
  readonly env: Env<Float32Array>;
}

export interface RecordOptions {
  readonly episodes: number;
  readonly seed: number;
  /** Stop recording after this many frames in all (keeps GIFs small). */
  readonly maxFrames: number;
}

/**
 * `choose` returns the action and, optionally, a frame to record instead of the env's own render
 * (the attack panels); episode i resets with seed + i, as evaluation does.
 */
export function recordEpisodes(
  env: Env<Float32Array>,
  choose: (step: RecordedStep) => { action: number; frame?: RgbFrame },
  options: RecordOptions,
): { frames: RgbFrame[]; returns: number[] } {
  const frames: RgbFrame[] = [];
  const returns: number[] = [];
  for (let episode = 0; episode < options.episodes && frames.length < options.maxFrames; episode++) {
    let { observation, info } = env.reset({ seed: options.seed + episode });
    let total = 0;
    for (;;) {
      const { action, frame } = choose({ observation, info, env });
      frames.push(frame ?? env.render());
      const result = env.step(action);
      total += result.reward;
      observation = result.observation;
      info = result.info;
      if (result.terminated || result.truncated || frames.length >= options.maxFrames) break;
    }
    returns.push(total);
  }
  return { frames, returns };
}
