/**
 * Stacks the last k frames along the channel axis, newest last: [H, W, 1] -> [H, W, k] (NHWC, as
 * DQN's input). At reset the stack is filled with k copies of the first frame (as Gymnasium), so
 * the shape never changes within an episode. Keeps the dtype; ScaleObservation converts to [0, 1].
 */
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.ts';
import { Box } from '../spaces.ts';
import type { BoxArray } from '../spaces.ts';
import { Wrapper } from './wrapper.ts';

export class FrameStack<Obs extends BoxArray> extends Wrapper<Obs, Obs> {
  override readonly observationSpace: Box;
  /** frames[0] is the oldest, frames[k-1] the newest. */
  private frames: Obs[] = [];
  private readonly pixels: number;

  constructor(env: Env<Obs>, readonly k: number) {
    super(env);
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`FrameStack: k must be a positive integer, got ${k}`);
    const inner = env.observationSpace;
    const [height, width, channels] = inner.shape;
    if (inner.shape.length !== 3 || channels !== 1 || height === undefined || width === undefined) {
      throw new RangeError(`FrameStack: needs [H, W, 1] frames, got [${inner.shape.join(', ')}]`);
    }
    this.pixels = height * width;
    this.observationSpace = new Box(inner.low, inner.high, [height, width, k], inner.dtype);
  }

  reset(options?: ResetOptions): ResetResult<Obs> {
    const { observation, info } = this.env.reset(options);
    this.frames = Array.from({ length: this.k }, () => observation);
    return { observation: this.stacked(), info };
  }

  step(action: number): StepResult<Obs> {
    const result = this.env.step(action);
    this.frames.shift();
    this.frames.push(result.observation);
    return { observation: this.stacked(), reward: result.reward, terminated: result.terminated, truncated: result.truncated, info: result.info };
  }

  private stacked(): Obs {
    const { k, pixels, frames } = this;
    const first = frames[0] as Obs;
    const out = (first instanceof Uint8Array ? new Uint8Array(pixels * k) : new Float32Array(pixels * k)) as Obs;
    for (let j = 0; j < k; j++) {
      const frame = frames[j] as Obs;
      for (let p = 0, o = j; p < pixels; p++, o += k) out[o] = frame[p] as number;
    }
    return out;
  }
}
