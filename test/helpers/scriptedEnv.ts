/**
 * A tiny scripted env for wrapper and checker tests: frame t (t = steps since reset) has pixel i
 * equal to `scriptedPixel(t, i)`, step t (1-based) pays reward t, and the episode terminates after
 * `episodeLength` steps. It records every action it receives.
 */
import type { Env, ResetOptions, ResetResult, RgbFrame, StepResult } from '../../src/core/gym/env.ts';
import { Box, Discrete } from '../../src/core/gym/spaces.ts';

export const SCRIPTED_SIDE = 2;

/** Non-monotonic in t, so "max of the last two frames" differs from "the last frame". */
export function scriptedPixel(t: number, i: number): number {
  return (t * 97 + i * 61) % 256;
}

export function scriptedFrame(t: number): Uint8Array {
  return Uint8Array.from({ length: SCRIPTED_SIDE * SCRIPTED_SIDE }, (_, i) => scriptedPixel(t, i));
}

export class ScriptedEnv implements Env<Uint8Array> {
  readonly id = 'Scripted-v0';
  readonly observationSpace = new Box(0, 255, [SCRIPTED_SIDE, SCRIPTED_SIDE, 1], 'uint8');
  readonly actionSpace = new Discrete(3, ['NOOP', 'UP', 'DOWN']);
  readonly actions: number[] = [];
  protected t = 0;
  protected ended = false;

  constructor(readonly episodeLength = 10) {}

  reset(_options?: ResetOptions): ResetResult<Uint8Array> {
    this.t = 0;
    this.ended = false;
    return { observation: scriptedFrame(0), info: {} };
  }

  step(action: number): StepResult<Uint8Array> {
    if (this.ended) throw new Error('step after end');
    this.actions.push(action);
    this.t++;
    this.ended = this.t >= this.episodeLength;
    return { observation: scriptedFrame(this.t), reward: this.t, terminated: this.ended, truncated: false, info: { t: this.t } };
  }

  render(): RgbFrame {
    return { width: 2, height: 1, data: new Uint8Array(6) };
  }

  close(): void {}
}
