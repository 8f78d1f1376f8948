/**
 * The environment contract (Gymnasium-style, synchronous). Results are named objects, never tuples.
 * Same seed and same actions give the same trajectory, bit for bit.
 */
import type { Box, BoxArray, Discrete } from './spaces.ts';

/** An RGB image, 3 bytes per pixel, row-major: for GIFs and people, never for agents. */
export interface RgbFrame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export type Info = Record<string, unknown>;

export interface ResetOptions {
  /** Re-seeds the env's RNG; without it the env continues its current random sequence. */
  readonly seed?: number;
}

export interface ResetResult<Obs> {
  readonly observation: Obs;
  readonly info: Info;
}

export interface StepResult<Obs> {
  readonly observation: Obs;
  readonly reward: number;
  /** The episode ended by the game's rules (match over, no lives left). */
  readonly terminated: boolean;
  /** The episode was cut short from outside the rules (time limit). */
  readonly truncated: boolean;
  readonly info: Info;
}

export interface Env<Obs extends BoxArray = BoxArray> {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  reset(options?: ResetOptions): ResetResult<Obs>;
  step(action: number): StepResult<Obs>;
  render(): RgbFrame;
  close(): void;
}
