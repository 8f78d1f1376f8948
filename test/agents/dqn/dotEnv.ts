/**
 * A tiny pixel env DQN must learn from pixels: a 24x24 image (the smallest multiple of the 6 cells
 * that the 2013 DQN trunk, conv 8x8/4 then 4x4/2, still reduces to a 1x1 map; smaller is faster), the agent a bright block in the top
 * half at one of 6 columns, the dot a block in the bottom half. Actions: 0 left, 1 right, 2 stay.
 * Reward +1 for a step that gets closer to the dot, -1 for one that moves away (or bumps a wall),
 * 0 for staying; reaching the dot moves it elsewhere. 12 steps per episode. Observations stack the
 * last 2 frames (first frame repeated at reset, like FrameStack), values byte / 255.
 * Greedy optimum ~ +12; random play ~ -1.
 */
import type { Env, ResetOptions, ResetResult, RgbFrame, StepResult } from '../../../src/core/gym/env.ts';
import { Box, Discrete } from '../../../src/core/gym/spaces.ts';
import { Rng } from '../../../src/core/rng.ts';

export const DOT_SHAPE = [24, 24, 2] as const;
const SIDE = 24;
const CELLS = 6;
const LENGTH = 12;

export class DotEnv implements Env<Float32Array> {
  readonly id = 'Dot-v0';
  readonly observationSpace = new Box(0, 1, [...DOT_SHAPE], 'float32');
  readonly actionSpace = new Discrete(3, ['LEFT', 'RIGHT', 'STAY']);
  private rng = Rng.fromSeed(0);
  private agent = 0;
  private dot = 0;
  private t = 0;
  private previous: Float32Array = new Float32Array(SIDE * SIDE);

  reset(options?: ResetOptions): ResetResult<Float32Array> {
    if (options?.seed !== undefined) this.rng = Rng.fromSeed(options.seed);
    this.agent = this.rng.int(0, CELLS - 1);
    this.moveDot();
    this.t = 0;
    this.previous = this.frame();
    return { observation: this.stack(this.previous), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    const before = Math.abs(this.agent - this.dot);
    const target = action === 0 ? this.agent - 1 : action === 1 ? this.agent + 1 : this.agent;
    const bumped = target < 0 || target >= CELLS;
    if (!bumped) this.agent = target;
    const after = Math.abs(this.agent - this.dot);
    const reward = bumped ? -1 : after < before ? 1 : after > before ? -1 : 0;
    if (this.agent === this.dot) this.moveDot();
    this.t++;
    const current = this.frame();
    const observation = this.stack(current);
    this.previous = current;
    return { observation, reward, terminated: this.t >= LENGTH, truncated: false, info: {} };
  }

  private moveDot(): void {
    do this.dot = this.rng.int(0, CELLS - 1);
    while (this.dot === this.agent);
  }

  private frame(): Float32Array {
    const frame = new Float32Array(SIDE * SIDE);
    const width = SIDE / CELLS;
    for (let y = 0; y < SIDE; y++) {
      const column = y < SIDE / 2 ? this.agent : this.dot;
      for (let x = column * width; x < (column + 1) * width; x++) frame[y * SIDE + x] = y < SIDE / 2 ? 1 : 128 / 255;
    }
    return frame;
  }

  private stack(current: Float32Array): Float32Array {
    const out = new Float32Array(SIDE * SIDE * 2);
    for (let p = 0; p < SIDE * SIDE; p++) {
      out[2 * p] = this.previous[p] as number;
      out[2 * p + 1] = current[p] as number;
    }
    return out;
  }

  render(): RgbFrame {
    return { width: 1, height: 1, data: new Uint8Array(3) };
  }

  close(): void {}
}
