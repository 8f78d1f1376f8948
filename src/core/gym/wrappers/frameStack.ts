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
  /** The last observation returned; the next one is derived from it. */
  private stack: Obs | undefined;
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
    const out = this.allocate(observation);
    for (let j = 0; j < this.k; j++) this.writeNewest(out, observation, j);
    this.stack = out;
    return { observation: out, info };
  }

  step(action: number): StepResult<Obs> {
    const result = this.env.step(action);
    const previous = this.stack;
    if (previous === undefined) throw new Error(`${this.id}: step() before reset()`);
    // Channels-last makes "drop the oldest, shift the rest" one memcpy: element (p, j) of the new
    // stack is element (p, j + 1) of the old, i.e. the old array shifted left by one. The slots
    // (p, k - 1) then receive the newest frame, overwriting what the shift put there.
    const out = this.allocate(result.observation);
    out.set(previous.subarray(1));
    this.writeNewest(out, result.observation, this.k - 1);
    this.stack = out;
    return { observation: out, reward: result.reward, terminated: result.terminated, truncated: result.truncated, info: result.info };
  }

  private allocate(like: Obs): Obs {
    const size = this.pixels * this.k;
    return (like instanceof Uint8Array ? new Uint8Array(size) : new Float32Array(size)) as Obs;
  }

  private writeNewest(out: Obs, frame: Obs, channel: number): void {
    const { k, pixels } = this;
    for (let p = 0, o = channel; p < pixels; p++, o += k) out[o] = frame[p] as number;
  }
}
