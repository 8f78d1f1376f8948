/**
 * Pong-v0's scripted player: move the right paddle toward the ball, both located in the newest
 * frame of the observation (the ball is the only pure-white object; the agent's paddle is the
 * other bright object on the right half).
 */
import type { ScriptedAgent } from './game.ts';

export function pongTracker(shape: readonly number[]): ScriptedAgent {
  const size = shape[0] ?? 84;
  const frames = shape[2] ?? 1;
  const NOOP = 0;
  const UP = 1;
  const DOWN = 2;
  return (observation) => {
    let ballRow = -1;
    let paddleRowSum = 0;
    let paddleRows = 0;
    for (let p = 0; p < size * size; p++) {
      const value = observation[p * frames + frames - 1] as number;
      if (value === 1) ballRow = Math.floor(p / size);
      else if (value > 0 && p % size > size / 2) {
        paddleRows++;
        paddleRowSum += Math.floor(p / size);
      }
    }
    if (ballRow < 0 || paddleRows === 0) return NOOP;
    const paddleCentre = paddleRowSum / paddleRows;
    if (ballRow < paddleCentre - 1) return UP;
    if (ballRow > paddleCentre + 1) return DOWN;
    return NOOP;
  };
}
