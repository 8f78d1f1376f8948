/**
 * Diagnostic: where does a greedy Pong-like agent lose its points? Plays seeded matches and, for
 * every point lost, asks whether the paddle could have reached the ball from where it stood when
 * the ball was last sent towards it (opponent's hit or serve), moving at full speed. Then it lists
 * each lost point: ball and paddle heights at the launch and at the miss, to tell a paddle that
 * stayed put or went the wrong way from one that fell short or overshot; and the action gap (best
 * minus runner-up logit: Q-values for a DQN) from the lost ball's launch to the miss against all steps,
 * to tell a close call (a gap small enough for the net's error to flip) from a confident mistake.
 *
 *   npx tsx scripts/pong-lost-points.ts models/pong-a3c [firstSeed=10000] [episodes=10]
 *
 * It watches the game state frame by frame, under the frame skip, which the Env API does not
 * expose (observations are pixels); makeEnv's `wrapGame` hook puts a watcher between the game and
 * the standard wrappers. Seeds and wrappers match `advgym evaluate`, so the return printed is the
 * evaluation's.
 */
import * as tf from '@tensorflow/tfjs-core';
import { quantile } from 'simple-statistics';
import { loadPolicy } from '../agents/loadPolicy.ts';
import { argmax } from '../agents/policy.ts';
import { makeEnv } from '../envs/index.ts';
import type { GameEnv } from '../envs/gameEnv.ts';
import { AGENT_X, BALL_HEIGHT, BALL_WIDTH, defaultPongParams, type PongState } from '../envs/pong.ts';
import type { Env, ResetOptions, ResetResult, StepResult } from '../src/core/gym/env.ts';
import { Wrapper } from '../src/core/gym/wrappers/wrapper.ts';
import { initBackend } from '../src/core/tensor/backend.ts';

interface LostPoint {
  /** Frames the ball needed to reach the paddle's face minus frames the paddle needed to get there. */
  readonly slackFrames: number;
  /** Paddle hits in the rally (0 = lost straight off a serve). */
  readonly hits: number;
  readonly ballVx: number;
  readonly ballVy: number;
  /** Ball and paddle-top heights when the ball was sent (launch) and when it got past (miss). */
  readonly launchBallY: number;
  readonly launchPaddleY: number;
  readonly missBallY: number;
  readonly missPaddleY: number;
}

/** Passes frames through unchanged and reports each frame's state change to `onFrame`. */
class FrameWatch extends Wrapper<Uint8Array, Uint8Array> {
  constructor(private readonly game: GameEnv<PongState, object>, private readonly onFrame: (before: PongState, after: PongState, reward: number) => void) {
    super(game);
  }

  reset(options?: ResetOptions): ResetResult<Uint8Array> {
    return this.game.reset(options);
  }

  step(action: number): StepResult<Uint8Array> {
    const before = this.game.currentState() as PongState;
    const result = this.game.step(action);
    this.onFrame(before, this.game.currentState() as PongState, result.reward);
    return result;
  }
}

/** Follows rallies and judges each lost point from the state at the ball's last launch. */
class LostPointLog {
  readonly points: LostPoint[] = [];
  /** Balls sent towards the agent, by horizontal speed. */
  readonly faced = new Map<number, number>();
  /** Balls sent so far (serves and the opponent's returns): a change marks a new launch. */
  launches = 0;
  private launch: PongState | undefined;
  private hits = 0;

  onFrame(before: PongState, after: PongState, reward: number): void {
    const served = before.serveDelay > 0 && after.serveDelay === 0;
    if (before.ballVx * after.ballVx < 0) this.hits++;
    if (served || (before.ballVx < 0 && after.ballVx > 0)) {
      this.launch = after;
      this.launches++;
      // A serve may go either way: count only balls coming at the agent (positive vx), and not the
      // frame of a point, where the new serve's velocity is set while the ball still waits.
      if (after.ballVx > 0 && reward === 0) this.faced.set(after.ballVx, (this.faced.get(after.ballVx) ?? 0) + 1);
    }
    if (reward === -1 && this.launch !== undefined) this.points.push(this.judge(this.launch, before));
    if (reward !== 0) {
      this.launch = undefined;
      this.hits = 0;
    }
  }

  private judge(launch: PongState, last: PongState): LostPoint {
    const { paddleHeight, agentPaddleSpeed } = defaultPongParams;
    // The ball's height as it left is where it crossed the paddle's face (within a frame's travel).
    const crossY = last.ballY + BALL_HEIGHT / 2;
    const reach = (paddleHeight + BALL_HEIGHT) / 2;
    const framesForBall = (AGENT_X - (launch.ballX + BALL_WIDTH)) / Math.abs(launch.ballVx);
    const framesForPaddle = Math.max(0, Math.abs(crossY - (launch.agentY + paddleHeight / 2)) - reach) / agentPaddleSpeed;
    return {
      slackFrames: framesForBall - framesForPaddle,
      hits: this.hits,
      ballVx: last.ballVx,
      ballVy: last.ballVy,
      launchBallY: launch.ballY,
      launchPaddleY: launch.agentY,
      missBallY: last.ballY,
      missPaddleY: last.agentY,
    };
  }
}

function makeWatchedPong(log: LostPointLog): Env<Float32Array> {
  const wrapGame = (game: Env<Uint8Array>): Env<Uint8Array> =>
    new FrameWatch(game as GameEnv<PongState, object>, (before, after, reward) => log.onFrame(before, after, reward));
  return makeEnv('Pong-v0', {}, { wrapGame });
}

const [modelDir = 'models/pong-a3c', firstSeed = '10000', episodes = '10'] = process.argv.slice(2);
await initBackend('wasm');
const policy = await loadPolicy(modelDir);
const log = new LostPointLog();
const env = makeWatchedPong(log);
let total = 0;
/** Best minus runner-up logit at every agent step, and per lost point the gaps from the ball's launch to the miss. */
const allGaps: number[] = [];
const lostBallGaps: number[][] = [];
let ballGaps: number[] = [];
for (let episode = 0; episode < Number(episodes); episode++) {
  let { observation } = env.reset({ seed: Number(firstSeed) + episode });
  for (let done = false; !done; ) {
    const logits = tf.tidy(() => policy.logits(tf.tensor4d(observation, [1, ...policy.inputShape])).dataSync());
    const action = argmax(logits);
    const gap = actionGap(logits);
    allGaps.push(gap);
    ballGaps.push(gap);
    const [pointsBefore, launchesBefore] = [log.points.length, log.launches];
    const result = env.step(action);
    if (log.points.length > pointsBefore) lostBallGaps.push(ballGaps);
    if (log.launches !== launchesBefore || result.reward !== 0) ballGaps = [];
    total += result.reward;
    observation = result.observation;
    done = result.terminated || result.truncated;
  }
}
function actionGap(logits: ArrayLike<number>): number {
  const sorted = Array.from(logits).sort((a, b) => b - a);
  return (sorted[0] ?? 0) - (sorted[1] ?? 0);
}

const reachable = log.points.filter((point) => point.slackFrames >= 0);
const comfortably = log.points.filter((point) => point.slackFrames >= 10);
console.log(`${modelDir}: mean return ${(total / Number(episodes)).toFixed(2)} over ${episodes} matches (seeds ${firstSeed}..)`);
// Faster balls leave fewer agent steps to line the paddle up (frame skip 3): where the misses sit.
const bySpeed = new Map<number, number>();
for (const point of log.points) bySpeed.set(Math.abs(point.ballVx), (bySpeed.get(Math.abs(point.ballVx)) ?? 0) + 1);
const speeds = [...log.faced.entries()].sort(([a], [b]) => a - b).map(([speed, faced]) => `${speed}: ${bySpeed.get(speed) ?? 0}/${faced}`);
console.log(`points lost: ${log.points.length}; reachable from the paddle's place at the ball's launch: ${reachable.length} (${comfortably.length} with >= 10 frames to spare); off a serve: ${log.points.filter((p) => p.hits === 0).length}`);
console.log(`lost / faced by the ball's horizontal speed (logical pixels per frame; serves go at ${defaultPongParams.serveSpeed}, the cap is ${defaultPongParams.maxBallSpeed}): ${speeds.join(', ')}`);
// Each lost point: did the paddle stay put, move the wrong way, or fall short / overshoot?
const [gapQ10 = 0, gapMedian = 0] = quantile(allGaps, [0.1, 0.5]);
console.log(`action gap (best - runner-up logit) over all ${allGaps.length} agent steps: median ${gapMedian.toPrecision(3)}, 10th percentile ${gapQ10.toPrecision(3)}`);
console.log(`each lost point (heights in logical pixels, paddle ${defaultPongParams.paddleHeight} tall, given by its top): ball launch -> miss, paddle launch -> miss, slack frames, hits; the action gaps from launch to miss (median, min, share of those steps below the 10th percentile of all steps)`);
log.points.forEach((p, i) => {
  const gaps = lostBallGaps[i] ?? [];
  const [flightMedian = 0] = quantile(gaps, [0.5]);
  const closeCalls = gaps.filter((gap) => gap < gapQ10).length / Math.max(1, gaps.length);
  console.log(`  ball ${p.launchBallY.toFixed(0)} -> ${p.missBallY.toFixed(0)} (vx ${Math.abs(p.ballVx).toFixed(1)}, vy ${p.ballVy.toFixed(2)})  paddle ${p.launchPaddleY.toFixed(0)} -> ${p.missPaddleY.toFixed(0)}  slack ${p.slackFrames.toFixed(0)}  hits ${p.hits}  gaps ${flightMedian.toPrecision(3)} / ${Math.min(...gaps).toPrecision(3)} / ${(100 * closeCalls).toFixed(0)}%`);
});
