/**
 * Pong-like: the rules.
 *
 * - Two paddles and a ball on a 160 x 210 Atari-like screen; the playfield lies between walls at
 *   y = 34 and y = 194. The agent's paddle is on the right (as in Atari Pong), a scripted opponent's
 *   on the left.
 * - Actions: 0 NOOP, 1 UP, 2 DOWN. The agent's paddle moves `agentPaddleSpeed` pixels per frame and
 *   stops at the walls. (Atari's minimal Pong set also has FIRE variants; serving is automatic here,
 *   so FIRE would do nothing and only make learning slower.)
 * - The opponent tracks the ball with limited speed (`opponentPaddleSpeed`, slower than the agent)
 *   and a reaction delay: it re-aims at the ball's height only every `opponentReactionFrames`
 *   frames. Steep, fast balls beat it, so it can be beaten by a good player.
 * - The ball bounces off the walls. A paddle sends it back with a vertical speed set by where it hit:
 *   the centre returns it flat, the edges at up to `maxBounceSlope` times the horizontal speed.
 *   Every paddle hit adds `speedUpPerHit` to the horizontal speed, capped at `maxBallSpeed`.
 * - A ball that leaves the screen on the right is a point for the opponent (reward -1); on the left,
 *   a point for the agent (+1). After each point the ball waits `serveDelayFrames` frames at the
 *   centre line at a random height, then is served in a random direction at a random angle.
 * - The match (episode) ends when one side reaches `pointsToWin` points.
 *
 * The observation is deliberately clean: black background, bright paddles and ball only (no walls,
 * no score), with the ball at least 3 x 3 and the paddles about 10 pixels tall at 84 x 84.
 */
import { UserError } from '../src/core/errors.ts';
import type { RgbFrame } from '../src/core/gym/env.ts';
import type { Rng } from '../src/core/rng.ts';
import { createRgbFrame, drawNumber, fillRectGray, fillRectRgb, LOGICAL_WIDTH, numberWidth } from './draw.ts';
import type { Rgb } from './draw.ts';
import type { Game, GameStepResult } from './game.ts';
import { pongTracker } from './pongPlayer.ts';

export interface PongParams {
  /** Points that win the match and end the episode (Atari Pong: 21). */
  readonly pointsToWin: number;
  /** Paddle height in logical pixels (Atari: 16; taller here so it survives 84 x 84 downscaling). */
  readonly paddleHeight: number;
  /** Agent paddle speed, logical pixels per frame. */
  readonly agentPaddleSpeed: number;
  /** Opponent paddle speed, logical pixels per frame: slower than the agent so it can be beaten. */
  readonly opponentPaddleSpeed: number;
  /** The opponent re-aims at the ball's height once every this many frames (its reaction delay). */
  readonly opponentReactionFrames: number;
  /** Horizontal ball speed at a serve, logical pixels per frame. */
  readonly serveSpeed: number;
  /** Added to the horizontal ball speed at every paddle hit. */
  readonly speedUpPerHit: number;
  /** Cap on the horizontal ball speed. */
  readonly maxBallSpeed: number;
  /** Vertical/horizontal speed ratio after a hit on the very edge of a paddle. */
  readonly maxBounceSlope: number;
  /** Frames the ball waits at the centre line before a serve. */
  readonly serveDelayFrames: number;
}

export const defaultPongParams: PongParams = {
  pointsToWin: 21,
  paddleHeight: 24,
  agentPaddleSpeed: 4,
  opponentPaddleSpeed: 2.5,
  opponentReactionFrames: 6,
  serveSpeed: 2.5,
  speedUpPerHit: 0.5,
  maxBallSpeed: 5,
  maxBounceSlope: 1,
  serveDelayFrames: 16,
};

export interface PongState {
  /** Emulator frames since the match started. */
  readonly frame: number;
  /** Top edge of each paddle (logical y). */
  readonly agentY: number;
  readonly opponentY: number;
  /** The ball height (centre) the opponent is currently moving towards. */
  readonly opponentTargetY: number;
  /** Top-left corner of the ball and its velocity, logical pixels per frame. */
  readonly ballX: number;
  readonly ballY: number;
  readonly ballVx: number;
  readonly ballVy: number;
  /** Frames left before the waiting ball is served (0 = in play). */
  readonly serveDelay: number;
  readonly agentScore: number;
  readonly opponentScore: number;
}

export const PONG_ACTIONS = ['NOOP', 'UP', 'DOWN'] as const;
const UP = 1;
const DOWN = 2;

// Geometry in logical pixels (Atari-like layout).
export const FIELD_TOP = 34;
export const FIELD_BOTTOM = 194;
export const PADDLE_WIDTH = 4;
export const OPPONENT_X = 16;
export const AGENT_X = 140;
export const BALL_WIDTH = 5;
export const BALL_HEIGHT = 7;
const FIELD_CENTER_Y = (FIELD_TOP + FIELD_BOTTOM) / 2;

// Colours of the Atari original (as rendered by ALE), for the people-facing render.
const BACKGROUND: Rgb = [144, 72, 17];
const WALL: Rgb = [236, 236, 236];
const OPPONENT_COLOR: Rgb = [213, 130, 74];
const AGENT_COLOR: Rgb = [92, 186, 92];
const BALL_COLOR: Rgb = [236, 236, 236];

// Grey levels of the observation: black field, bright objects.
const OBS_PADDLE = 200;
const OBS_BALL = 255;

function clampPaddle(y: number, params: PongParams): number {
  return Math.min(FIELD_BOTTOM - params.paddleHeight, Math.max(FIELD_TOP, y));
}

/** A working copy of the state that the sub-steps of one `step` update in place. */
export type PongDraft = { -readonly [K in keyof PongState]: PongState[K] };

/** Puts the ball on the centre line at a random height, waiting to be served in a random direction. */
export function placeServe(s: PongDraft, params: PongParams, rng: Rng): void {
  const direction = rng.chance(0.5) ? 1 : -1;
  const slope = rng.uniform(-0.5, 0.5);
  const margin = 20;
  s.ballX = LOGICAL_WIDTH / 2 - BALL_WIDTH / 2;
  s.ballY = rng.uniform(FIELD_TOP + margin, FIELD_BOTTOM - margin - BALL_HEIGHT);
  s.ballVx = direction * params.serveSpeed;
  s.ballVy = slope * params.serveSpeed;
  s.serveDelay = params.serveDelayFrames;
}

export function initialState(params: PongParams, rng: Rng): PongState {
  const paddleY = FIELD_CENTER_Y - params.paddleHeight / 2;
  const s: PongDraft = {
    frame: 0,
    agentY: paddleY,
    opponentY: paddleY,
    opponentTargetY: FIELD_CENTER_Y,
    ballX: 0,
    ballY: 0,
    ballVx: 0,
    ballVy: 0,
    serveDelay: 0,
    agentScore: 0,
    opponentScore: 0,
  };
  placeServe(s, params, rng);
  return s;
}

export function moveAgentPaddle(s: PongDraft, action: number, params: PongParams): void {
  const dy = action === UP ? -params.agentPaddleSpeed : action === DOWN ? params.agentPaddleSpeed : 0;
  s.agentY = clampPaddle(s.agentY + dy, params);
}

export function moveOpponent(s: PongDraft, params: PongParams): void {
  if (s.frame % params.opponentReactionFrames === 0) s.opponentTargetY = s.ballY + BALL_HEIGHT / 2;
  const gap = s.opponentTargetY - (s.opponentY + params.paddleHeight / 2);
  const dy = Math.max(-params.opponentPaddleSpeed, Math.min(params.opponentPaddleSpeed, gap));
  s.opponentY = clampPaddle(s.opponentY + dy, params);
}

/** Moves the ball one frame (or counts down the serve delay) and bounces it off the walls. */
export function moveBall(s: PongDraft): void {
  if (s.serveDelay > 0) {
    s.serveDelay--;
    return;
  }
  s.ballX += s.ballVx;
  s.ballY += s.ballVy;
  if (s.ballY < FIELD_TOP) {
    s.ballY = 2 * FIELD_TOP - s.ballY;
    s.ballVy = -s.ballVy;
  } else if (s.ballY + BALL_HEIGHT > FIELD_BOTTOM) {
    s.ballY = 2 * (FIELD_BOTTOM - BALL_HEIGHT) - s.ballY;
    s.ballVy = -s.ballVy;
  }
}

/** Where the ball hit a paddle: -1 top edge, 0 centre, +1 bottom edge. */
export function hitOffset(ballY: number, paddleY: number, paddleHeight: number): number {
  const reach = (paddleHeight + BALL_HEIGHT) / 2;
  const offset = (ballY + BALL_HEIGHT / 2 - (paddleY + paddleHeight / 2)) / reach;
  return Math.max(-1, Math.min(1, offset));
}

function overlapsVertically(ballY: number, paddleY: number, paddleHeight: number): boolean {
  return ballY + BALL_HEIGHT > paddleY && ballY < paddleY + paddleHeight;
}

/**
 * Returns the ball from a paddle whose face it crossed this frame (a swept test, so no speed
 * tunnels through a paddle): vertical speed by hit position, horizontal speed up by one step.
 */
export function collide(s: PongDraft, previousBallX: number, params: PongParams): void {
  const faster = Math.min(params.maxBallSpeed, Math.abs(s.ballVx) + params.speedUpPerHit);
  if (s.ballVx > 0) {
    const crossed = previousBallX + BALL_WIDTH <= AGENT_X && s.ballX + BALL_WIDTH >= AGENT_X;
    if (!crossed || !overlapsVertically(s.ballY, s.agentY, params.paddleHeight)) return;
    s.ballX = AGENT_X - BALL_WIDTH;
    s.ballVx = -faster;
    s.ballVy = hitOffset(s.ballY, s.agentY, params.paddleHeight) * params.maxBounceSlope * faster;
    return;
  }
  const face = OPPONENT_X + PADDLE_WIDTH;
  const crossed = previousBallX >= face && s.ballX <= face;
  if (!crossed || !overlapsVertically(s.ballY, s.opponentY, params.paddleHeight)) return;
  s.ballX = face;
  s.ballVx = faster;
  s.ballVy = hitOffset(s.ballY, s.opponentY, params.paddleHeight) * params.maxBounceSlope * faster;
}

/** A ball off the screen is a point and a new serve; returns the reward, from the agent's side. */
export function score(s: PongDraft, params: PongParams, rng: Rng): number {
  if (s.ballX > LOGICAL_WIDTH) {
    s.opponentScore++;
    placeServe(s, params, rng);
    return -1;
  }
  if (s.ballX + BALL_WIDTH < 0) {
    s.agentScore++;
    placeServe(s, params, rng);
    return 1;
  }
  return 0;
}

/** One frame. Copies the state once; the named sub-steps then update the copy, never the input. */
export function step(state: PongState, action: number, params: PongParams, rng: Rng): GameStepResult<PongState> {
  const s: PongDraft = { ...state };
  moveAgentPaddle(s, action, params);
  moveOpponent(s, params);
  moveBall(s);
  collide(s, state.ballX, params);
  const reward = score(s, params, rng);
  s.frame++;
  const terminated = s.agentScore >= params.pointsToWin || s.opponentScore >= params.pointsToWin;
  return { state: s, reward, terminated };
}

export function observe(state: PongState, params: PongParams, out: Uint8Array, width: number, height: number): void {
  out.fill(0);
  const canvas = { data: out, width, height };
  fillRectGray(canvas, OPPONENT_X, state.opponentY, PADDLE_WIDTH, params.paddleHeight, OBS_PADDLE);
  fillRectGray(canvas, AGENT_X, state.agentY, PADDLE_WIDTH, params.paddleHeight, OBS_PADDLE);
  fillRectGray(canvas, state.ballX, state.ballY, BALL_WIDTH, BALL_HEIGHT, OBS_BALL);
}

export function render(state: PongState, params: PongParams): RgbFrame {
  const frame = createRgbFrame(BACKGROUND);
  fillRectRgb(frame, 0, FIELD_TOP - 10, LOGICAL_WIDTH, 10, WALL);
  fillRectRgb(frame, 0, FIELD_BOTTOM, LOGICAL_WIDTH, 16, WALL);
  const digitScale = 4;
  drawNumber(frame, state.opponentScore, 40 - numberWidth(String(state.opponentScore), digitScale) / 2, 2, digitScale, OPPONENT_COLOR);
  drawNumber(frame, state.agentScore, 120 - numberWidth(String(state.agentScore), digitScale) / 2, 2, digitScale, AGENT_COLOR);
  fillRectRgb(frame, OPPONENT_X, Math.round(state.opponentY), PADDLE_WIDTH, params.paddleHeight, OPPONENT_COLOR);
  fillRectRgb(frame, AGENT_X, Math.round(state.agentY), PADDLE_WIDTH, params.paddleHeight, AGENT_COLOR);
  fillRectRgb(frame, Math.round(state.ballX), Math.round(state.ballY), BALL_WIDTH, BALL_HEIGHT, BALL_COLOR);
  return frame;
}

function requirePositive(name: keyof PongParams, value: number, integer = false): void {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UserError(`game.${name}: must be a positive ${integer ? 'integer' : 'number'}, got ${value}`);
  }
}

export function validateParams(params: PongParams): void {
  requirePositive('pointsToWin', params.pointsToWin, true);
  requirePositive('paddleHeight', params.paddleHeight);
  if (params.paddleHeight > FIELD_BOTTOM - FIELD_TOP) {
    throw new UserError(`game.paddleHeight: must be at most the field height ${FIELD_BOTTOM - FIELD_TOP}, got ${params.paddleHeight}`);
  }
  requirePositive('agentPaddleSpeed', params.agentPaddleSpeed);
  requirePositive('opponentPaddleSpeed', params.opponentPaddleSpeed);
  requirePositive('opponentReactionFrames', params.opponentReactionFrames, true);
  requirePositive('serveSpeed', params.serveSpeed);
  requirePositive('maxBallSpeed', params.maxBallSpeed);
  if (params.maxBallSpeed < params.serveSpeed) {
    throw new UserError(`game.maxBallSpeed: must be at least serveSpeed ${params.serveSpeed}, got ${params.maxBallSpeed}`);
  }
  if (!(params.speedUpPerHit >= 0)) throw new UserError(`game.speedUpPerHit: must be >= 0, got ${params.speedUpPerHit}`);
  if (!(params.maxBounceSlope >= 0)) throw new UserError(`game.maxBounceSlope: must be >= 0, got ${params.maxBounceSlope}`);
  if (!(Number.isInteger(params.serveDelayFrames) && params.serveDelayFrames >= 0)) {
    throw new UserError(`game.serveDelayFrames: must be an integer >= 0, got ${params.serveDelayFrames}`);
  }
}

export const pong: Game<PongState, PongParams> = {
  id: 'Pong-v0',
  description: 'Pong-like: return the ball past a scripted opponent; first to pointsToWin (21) wins',
  actionNames: PONG_ACTIONS,
  defaultParams: defaultPongParams,
  validateParams,
  initialState,
  step,
  observe,
  render,
  info: (state) => ({ agentScore: state.agentScore, opponentScore: state.opponentScore }),
  // A match ends when one side has pointsToWin points: from a shut-out lost to a shut-out won.
  worstReturn: (params) => -params.pointsToWin,
  bestReturn: (params) => params.pointsToWin,
  scriptedPlayer: (shape) => pongTracker(shape),
};
