import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findGame, makeEnv } from '../../envs/index.ts';
import type { GameEnv } from '../../envs/gameEnv.ts';
import {
  AGENT_X,
  BALL_HEIGHT,
  BALL_WIDTH,
  collide,
  defaultPongParams,
  FIELD_BOTTOM,
  FIELD_TOP,
  initialState,
  moveAgentPaddle,
  moveBall,
  moveOpponent,
  OPPONENT_X,
  PADDLE_WIDTH,
  pong,
  score,
  step,
} from '../../envs/pong.ts';
import type { PongDraft, PongParams, PongState } from '../../envs/pong.ts';
import { checkEnv, hashObservation } from '../../src/core/gym/checkEnv.ts';
import type { Env } from '../../src/core/gym/env.ts';
import { Rng } from '../../src/core/rng.ts';
import { trajectory as playTrajectory, type Chooser } from '../helpers/trajectory.ts';

const params = defaultPongParams;

/** A ball in flight at a given place and velocity, paddles centred. */
function draft(overrides: Partial<PongDraft>): PongDraft {
  return { ...initialState(params, Rng.fromSeed(0)), serveDelay: 0, ...overrides };
}


const randomActions: Chooser = (_, rng) => rng.int(0, 2);

/** Moves the agent paddle toward the ball, both found in the newest frame of an 84x84x4 observation. */
const pixelTracker: Chooser = (observation) => {
  let ballRow = -1;
  let paddleRows = 0;
  let paddleRowSum = 0;
  for (let p = 0; p < 84 * 84; p++) {
    const v = observation[p * 4 + 3] as number;
    if (v === 1) ballRow = Math.floor(p / 84);
    else if (v > 0 && p % 84 > 42) {
      paddleRows++;
      paddleRowSum += Math.floor(p / 84);
    }
  }
  if (ballRow < 0 || paddleRows === 0) return 0;
  const gap = ballRow - paddleRowSum / paddleRows;
  return gap < -1 ? 1 : gap > 1 ? 2 : 0;
};

function trajectory(env: Env<Float32Array>, seed: number, maxSteps: number, choose: Chooser = randomActions): ReturnType<typeof playTrajectory> {
  return playTrajectory(env, seed, maxSteps, choose);
}

test('Pong-v0 passes checkEnv through makeEnv and as the bare game env', () => {
  checkEnv(makeEnv('Pong-v0', { game: { pointsToWin: 2 } }), { seed: 3 });
  checkEnv(findGame('Pong-v0').makeGameEnv(84, { pointsToWin: 1 }), { seed: 4, steps: 400 });
});

test('same seed and actions give the same trajectory; another seed another one', () => {
  const env = makeEnv('Pong-v0', { game: { pointsToWin: 2 } });
  const a = trajectory(env, 5, 2000);
  assert.deepEqual(trajectory(env, 5, 2000), a);
  assert.notEqual(trajectory(env, 6, 2000).hash, a.hash);
});

/** Pong-v0 defaults, pointsToWin 3, seed 12345, the pixel tracker: it wins 3-1 in 235 steps. */
const GOLDEN = { outcome: { steps: 235, totalReward: 2, agentScore: 3, opponentScore: 1 }, hash: '16de5e08' };

test('golden trajectory: fixed seed and actions give the recorded scores and observations', () => {
  // Recorded from the rules as committed. If this fails after an intended rule or drawing change,
  // re-record the values and say so in the commit; otherwise a rule changed by accident.
  const result = trajectory(makeEnv('Pong-v0', { game: { pointsToWin: 3 } }), 12345, 5000, pixelTracker);
  assert.deepEqual(
    { steps: result.steps, totalReward: result.totalReward, agentScore: result.info['agentScore'], opponentScore: result.info['opponentScore'] },
    GOLDEN.outcome,
  );
  assert.equal(result.hash, GOLDEN.hash);
});

test('the ball bounces off the top and bottom walls', () => {
  const top = draft({ ballX: 80, ballY: FIELD_TOP + 1, ballVx: 2, ballVy: -3 });
  moveBall(top);
  assert.equal(top.ballY, FIELD_TOP + 2, 'reflected: 1 above the wall becomes 2 below it');
  assert.equal(top.ballVy, 3);
  const bottom = draft({ ballX: 80, ballY: FIELD_BOTTOM - BALL_HEIGHT - 1, ballVx: 2, ballVy: 3 });
  moveBall(bottom);
  assert.equal(bottom.ballY, FIELD_BOTTOM - BALL_HEIGHT - 2);
  assert.equal(bottom.ballVy, -3);
});

test('a paddle deflects by hit position: centre flat, top edge up, bottom edge down', () => {
  const paddleY = 100;
  const hitAt = (ballCentreY: number): PongDraft => {
    const s = draft({ agentY: paddleY, ballX: AGENT_X - BALL_WIDTH + 1, ballY: ballCentreY - BALL_HEIGHT / 2, ballVx: 3, ballVy: 0 });
    collide(s, AGENT_X - BALL_WIDTH - 2, params);
    return s;
  };
  const centre = hitAt(paddleY + params.paddleHeight / 2);
  assert.equal(centre.ballVy, 0);
  assert.ok(centre.ballVx < 0, 'returned to the left');
  assert.equal(centre.ballX, AGENT_X - BALL_WIDTH, 'placed against the paddle face');
  const topEdge = hitAt(paddleY);
  const bottomEdge = hitAt(paddleY + params.paddleHeight);
  assert.ok(topEdge.ballVy < -1, `top edge vy ${topEdge.ballVy}`);
  assert.ok(bottomEdge.ballVy > 1, `bottom edge vy ${bottomEdge.ballVy}`);
  assert.ok(Math.abs(hitAt(paddleY + 2).ballVy) > Math.abs(hitAt(paddleY + 8).ballVy), 'steeper nearer the edge');
});

test('the opponent paddle returns the ball too', () => {
  const face = OPPONENT_X + PADDLE_WIDTH;
  const s = draft({ opponentY: 100, ballX: face - 1, ballY: 105, ballVx: -3, ballVy: 1 });
  collide(s, face + 2, params);
  assert.ok(s.ballVx > 0);
  assert.equal(s.ballX, face);
});

test('a ball that misses the paddle passes through', () => {
  const s = draft({ agentY: 40, ballX: AGENT_X - BALL_WIDTH + 1, ballY: 150, ballVx: 3, ballVy: 0 });
  collide(s, AGENT_X - BALL_WIDTH - 2, params);
  assert.equal(s.ballVx, 3);
});

test('every paddle hit speeds the ball up, up to the cap', () => {
  let speed = params.serveSpeed;
  const speeds: number[] = [];
  for (let hit = 0; hit < 10; hit++) {
    const s = draft({ agentY: 100, ballX: AGENT_X - BALL_WIDTH + 1, ballY: 108, ballVx: speed, ballVy: 0 });
    collide(s, AGENT_X - BALL_WIDTH - 2, params);
    speed = Math.abs(s.ballVx);
    speeds.push(speed);
  }
  assert.equal(speeds[0], params.serveSpeed + params.speedUpPerHit);
  assert.equal(speeds.at(-1), params.maxBallSpeed);
  assert.ok(speeds.every((v, i) => i === 0 || v >= (speeds[i - 1] as number)));
});

test('scoring: right edge is -1 and an opponent point, left edge +1; the ball is re-served', () => {
  const rng = Rng.fromSeed(1);
  const missed = draft({ ballX: 161, ballVx: 4 });
  assert.equal(score(missed, params, rng), -1);
  assert.deepEqual([missed.agentScore, missed.opponentScore], [0, 1]);
  assert.equal(missed.ballX, 80 - BALL_WIDTH / 2);
  assert.equal(missed.serveDelay, params.serveDelayFrames);
  assert.equal(Math.abs(missed.ballVx), params.serveSpeed, 'serve speed resets');
  const won = draft({ ballX: -BALL_WIDTH - 1, ballVx: -4 });
  assert.equal(score(won, params, rng), 1);
  assert.deepEqual([won.agentScore, won.opponentScore], [1, 0]);
  assert.equal(score(draft({ ballX: 80 }), params, rng), 0);
});

test('serves go both ways at varied angles and heights', () => {
  const rng = Rng.fromSeed(2);
  const serves = Array.from({ length: 40 }, () => {
    const s = draft({ ballX: 170 });
    score(s, params, rng);
    return s;
  });
  assert.ok(serves.some((s) => s.ballVx > 0) && serves.some((s) => s.ballVx < 0));
  assert.ok(new Set(serves.map((s) => s.ballVy)).size > 30);
  assert.ok(new Set(serves.map((s) => s.ballY)).size > 30);
});

test('the match ends when one side reaches pointsToWin', () => {
  const p: PongParams = { ...params, pointsToWin: 3 };
  const nearWin: PongState = { ...draft({ agentScore: 2, opponentScore: 1, ballX: -BALL_WIDTH - 0.5, ballVx: -3 }) };
  const won = step(nearWin, 0, p, Rng.fromSeed(0));
  assert.deepEqual([won.reward, won.terminated, won.state.agentScore], [1, true, 3]);
  const notYet = step({ ...nearWin, agentScore: 1 }, 0, p, Rng.fromSeed(0));
  assert.equal(notYet.terminated, false);
});

test('paddles: agent moves by action and stops at the walls; opponent is speed-limited', () => {
  const s = draft({ agentY: FIELD_TOP + 1 });
  moveAgentPaddle(s, 1, params);
  assert.equal(s.agentY, FIELD_TOP, 'UP stops at the top wall');
  moveAgentPaddle(s, 2, params);
  assert.equal(s.agentY, FIELD_TOP + params.agentPaddleSpeed);
  moveAgentPaddle(s, 0, params);
  assert.equal(s.agentY, FIELD_TOP + params.agentPaddleSpeed, 'NOOP stays');
  const far = draft({ frame: 0, opponentY: FIELD_TOP, ballY: FIELD_BOTTOM - 10 });
  moveOpponent(far, params);
  assert.equal(far.opponentY, FIELD_TOP + params.opponentPaddleSpeed);
});

test('step never mutates the state it is given', () => {
  const state = initialState(params, Rng.fromSeed(0));
  const copy = structuredClone(state);
  step(state, 1, params, Rng.fromSeed(0));
  assert.deepEqual(state, copy);
});

test('observation: black background, ball >= 2x2 and paddles >= 8 px tall at 84x84', () => {
  const s = draft({ agentY: 100, opponentY: 60, ballX: 80, ballY: 120 });
  const out = new Uint8Array(84 * 84);
  pong.observe(s, params, out, 84, 84);
  const lit = (value: number): Array<[number, number]> =>
    [...out].flatMap((v, i) => (v === value ? [[i % 84, Math.floor(i / 84)] as [number, number]] : []));
  const ball = lit(255);
  const paddles = lit(200);
  assert.equal(ball.length + paddles.length, [...out].filter((v) => v !== 0).length, 'nothing else is drawn');
  const extent = (points: Array<[number, number]>, axis: 0 | 1): number => Math.max(...points.map((p) => p[axis])) - Math.min(...points.map((p) => p[axis])) + 1;
  assert.ok(extent(ball, 0) >= 2 && extent(ball, 1) >= 2, `ball ${extent(ball, 0)}x${extent(ball, 1)}`);
  const agentPaddle = paddles.filter(([x]) => x > 42);
  assert.ok(extent(agentPaddle, 1) >= 8, `paddle ${extent(agentPaddle, 1)} px tall`);
});

test('render: 160x210 Atari-like colours with both scores', () => {
  const frame = pong.render(draft({ agentScore: 7, opponentScore: 3 }), params);
  assert.deepEqual([frame.width, frame.height, frame.data.length], [160, 210, 160 * 210 * 3]);
  const colours = new Set<string>();
  for (let i = 0; i < frame.data.length; i += 3) colours.add(`${frame.data[i]},${frame.data[i + 1]},${frame.data[i + 2]}`);
  for (const colour of ['144,72,17', '92,186,92', '213,130,74', '236,236,236']) assert.ok(colours.has(colour), colour);
  const scoreRows = pong.render(draft({ agentScore: 8, opponentScore: 3 }), params).data.subarray(0, 160 * 24 * 3);
  assert.notDeepEqual(scoreRows, frame.data.subarray(0, 160 * 24 * 3), 'the score is drawn');
});

/** Plays matches at the emulator-frame level with a policy of the true state, one decision per 4 frames. */
function playMatches(choose: (state: PongState, rng: Rng) => number, matches: number): { won: number; agentPoints: number; opponentPoints: number } {
  let won = 0;
  let agentPoints = 0;
  let opponentPoints = 0;
  for (let seed = 0; seed < matches; seed++) {
    const env = findGame('Pong-v0').makeGameEnv(84, { pointsToWin: 5 }) as GameEnv<PongState, PongParams>;
    env.reset({ seed });
    const rng = Rng.fromSeed(100 + seed);
    let action = 0;
    for (let frame = 0; frame < 100_000; frame++) {
      if (frame % 4 === 0) action = choose(env.currentState() as PongState, rng);
      const result = env.step(action);
      if (!result.terminated) continue;
      const { agentScore, opponentScore } = result.info as { agentScore: number; opponentScore: number };
      agentPoints += agentScore;
      opponentPoints += opponentScore;
      if (agentScore > opponentScore) won++;
      break;
    }
  }
  return { won, agentPoints, opponentPoints };
}

test('learnable: a ball tracker wins clearly, random play loses clearly', () => {
  const tracker = (s: PongState): number => {
    const gap = s.ballY + BALL_HEIGHT / 2 - (s.agentY + params.paddleHeight / 2);
    return gap < -2 ? 1 : gap > 2 ? 2 : 0;
  };
  const tracking = playMatches(tracker, 4);
  assert.equal(tracking.won, 4, JSON.stringify(tracking));
  assert.ok(tracking.agentPoints >= 2 * tracking.opponentPoints, JSON.stringify(tracking));
  const random = playMatches((_, rng) => rng.int(0, 2), 4);
  assert.equal(random.won, 0, JSON.stringify(random));
  assert.ok(random.opponentPoints >= 3 * random.agentPoints, JSON.stringify(random));
});
