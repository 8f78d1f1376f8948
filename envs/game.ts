/**
 * What a game file provides: pure rules over a plain state object, plus drawing. The generic
 * adapter (envs/gameEnv.ts) turns a Game into a Gym Env; games never see wrappers or tensors.
 */
import type { Rng } from '../src/core/rng.ts';
import type { RgbFrame } from '../src/core/gym/env.ts';

export interface GameStepResult<State> {
  readonly state: State;
  readonly reward: number;
  /** The game is over by its rules (match won/lost, no lives left). */
  readonly terminated: boolean;
}

/**
 * A hand-written player for `advgym record --agent scripted` and behaviour cloning's teacher: it
 * sees only what any agent sees (the observation and the step's info), so it works through every
 * wrapper. Observations are [height, width, frames] floats in [0, 1], newest frame last.
 */
export type ScriptedAgent = (observation: Float32Array, info: Readonly<Record<string, unknown>>) => number;

export interface Game<State, Params> {
  readonly id: string;
  readonly description: string;
  /** Index = action id; e.g. ['NOOP', 'UP', 'DOWN']. */
  readonly actionNames: readonly string[];
  readonly defaultParams: Params;
  /** Checks user-given params (already merged over defaults); throws UserError naming the field. */
  validateParams(params: Params): void;
  initialState(params: Params, rng: Rng): State;
  /** One emulator frame. Pure in (state, action, params) except for draws from rng. */
  step(state: State, action: number, params: Params, rng: Rng): GameStepResult<State>;
  /** Draws the grayscale observation (0..255) of `width` x `height` pixels into `out`, row-major. */
  observe(state: State, params: Params, out: Uint8Array, width: number, height: number): void;
  /** A colour picture for GIFs and people (Atari-like 160x210). */
  render(state: State, params: Params): RgbFrame;
  /** Extra facts for the step's info object (score, lives, oxygen, ...). */
  info(state: State): Record<string, unknown>;
  /**
   * The lowest episode return the rules allow under `params` (Pong: -pointsToWin); the
   * degradation percentage measures an attack's damage against it.
   */
  worstReturn(params: Params): number;
  /** The highest episode return the rules allow, or undefined when the score is unbounded (Seaquest). */
  bestReturn(params: Params): number | undefined;
  /** A competent hand-written player for observations of `shape` ([height, width, frames]). */
  scriptedPlayer(shape: readonly number[], params: Params): ScriptedAgent;
}
