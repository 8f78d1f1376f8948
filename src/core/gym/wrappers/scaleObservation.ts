/**
 * uint8 pixels (0..255) -> float32 in [0, 1] by /255, the observation every agent and attack sees:
 * an attack's epsilon is in these units (1/255 = one grey level), as in Huang et al. 2017.
 */
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.ts';
import { Box } from '../spaces.ts';
import { Wrapper } from './wrapper.ts';

// One division per grey level instead of one per pixel.
const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

export class ScaleObservation extends Wrapper<Uint8Array, Float32Array> {
  override readonly observationSpace: Box;

  constructor(env: Env<Uint8Array>) {
    super(env);
    const inner = env.observationSpace;
    if (inner.dtype !== 'uint8') throw new RangeError(`ScaleObservation: needs uint8 observations, got ${inner.dtype}`);
    this.observationSpace = new Box(0, 1, inner.shape, 'float32');
  }

  reset(options?: ResetOptions): ResetResult<Float32Array> {
    const { observation, info } = this.env.reset(options);
    return { observation: scale(observation), info };
  }

  step(action: number): StepResult<Float32Array> {
    const result = this.env.step(action);
    return { observation: scale(result.observation), reward: result.reward, terminated: result.terminated, truncated: result.truncated, info: result.info };
  }
}

export function scale(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = SCALE[pixels[i] as number] as number;
  return out;
}
