/**
 * TOY (proves the add-a-game recipe of docs/extending.md; removed in the next commit). Catch: a
 * ball falls from the top at a random column; the agent's paddle at the bottom moves left or right.
 * +1 for a caught ball, -1 for a missed one; the episode ends after `balls` balls.
 */
import { UserError } from '../src/core/errors.ts';
import type { RgbFrame } from '../src/core/gym/env.ts';
import type { Rng } from '../src/core/rng.ts';
import { createRgbFrame, fillRectGray, fillRectRgb, LOGICAL_WIDTH } from './draw.ts';
import type { Game, GameStepResult, ScriptedAgent } from './game.ts';

export interface CatchParams {
  /** Balls per episode. */
  readonly balls: number;
  /** Fall speed, logical pixels per frame. */
  readonly fallSpeed: number;
  /** Paddle speed, logical pixels per frame (fast enough to reach any column in one fall). */
  readonly paddleSpeed: number;
}

export interface CatchState {
  readonly ballX: number;
  readonly ballY: number;
  readonly paddleX: number;
  readonly caught: number;
  readonly missed: number;
}

const BALL = 8;
const PADDLE_WIDTH = 32;
const PADDLE_Y = 190;
const PADDLE_HEIGHT = 8;
const LEFT = 1;
const RIGHT = 2;

function newBall(s: CatchState, rng: Rng): CatchState {
  return { ...s, ballX: rng.uniform(0, LOGICAL_WIDTH - BALL), ballY: 0 };
}

function step(state: CatchState, action: number, params: CatchParams, rng: Rng): GameStepResult<CatchState> {
  const dx = action === LEFT ? -params.paddleSpeed : action === RIGHT ? params.paddleSpeed : 0;
  let s: CatchState = { ...state, paddleX: Math.min(LOGICAL_WIDTH - PADDLE_WIDTH, Math.max(0, state.paddleX + dx)), ballY: state.ballY + params.fallSpeed };
  let reward = 0;
  if (s.ballY + BALL >= PADDLE_Y) {
    const hit = s.ballX + BALL > s.paddleX && s.ballX < s.paddleX + PADDLE_WIDTH;
    reward = hit ? 1 : -1;
    s = newBall({ ...s, caught: s.caught + (hit ? 1 : 0), missed: s.missed + (hit ? 0 : 1) }, rng);
  }
  return { state: s, reward, terminated: s.caught + s.missed >= params.balls };
}

/** Moves the paddle (grey 200) under the ball (white) seen in the newest frame. */
function catcher(shape: readonly number[]): ScriptedAgent {
  const [height = 84, width = 84, frames = 1] = shape;
  return (observation) => {
    let ballSum = 0;
    let ballCount = 0;
    let paddleSum = 0;
    let paddleCount = 0;
    for (let p = 0; p < height * width; p++) {
      const value = observation[p * frames + frames - 1] as number;
      if (value === 1) {
        ballSum += p % width;
        ballCount++;
      } else if (value > 0) {
        paddleSum += p % width;
        paddleCount++;
      }
    }
    if (ballCount === 0 || paddleCount === 0) return 0;
    const gap = ballSum / ballCount - paddleSum / paddleCount;
    return gap < -1 ? LEFT : gap > 1 ? RIGHT : 0;
  };
}

export const catchGame: Game<CatchState, CatchParams> = {
  id: 'Catch-v0',
  description: 'TOY Catch: move the paddle under the falling ball; +1 caught, -1 missed, `balls` (10) balls',
  actionNames: ['NOOP', 'LEFT', 'RIGHT'],
  defaultParams: { balls: 10, fallSpeed: 3, paddleSpeed: 4 },
  validateParams: (params) => {
    for (const name of ['balls', 'fallSpeed', 'paddleSpeed'] as const) {
      if (!(params[name] > 0)) throw new UserError(`game.${name}: must be > 0, got ${params[name]}`);
    }
    if (!Number.isInteger(params.balls)) throw new UserError(`game.balls: must be an integer, got ${params.balls}`);
  },
  initialState: (_params, rng) => newBall({ ballX: 0, ballY: 0, paddleX: (LOGICAL_WIDTH - PADDLE_WIDTH) / 2, caught: 0, missed: 0 }, rng),
  step,
  observe: (state, _params, out, width, height) => {
    out.fill(0);
    const canvas = { data: out, width, height };
    fillRectGray(canvas, state.paddleX, PADDLE_Y, PADDLE_WIDTH, PADDLE_HEIGHT, 200);
    fillRectGray(canvas, state.ballX, state.ballY, BALL, BALL, 255);
  },
  render: (state): RgbFrame => {
    const frame = createRgbFrame([0, 0, 40]);
    fillRectRgb(frame, state.paddleX, PADDLE_Y, PADDLE_WIDTH, PADDLE_HEIGHT, [92, 186, 92]);
    fillRectRgb(frame, state.ballX, state.ballY, BALL, BALL, [236, 236, 236]);
    return frame;
  },
  info: (state) => ({ caught: state.caught, missed: state.missed }),
  // Every ball is +1 or -1: from all missed to all caught.
  worstReturn: (params) => -params.balls,
  bestReturn: (params) => params.balls,
  scriptedPlayer: (shape) => catcher(shape),
};
