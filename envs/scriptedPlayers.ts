/**
 * Hand-written players for `advgym record --agent scripted`: they show what a competent player
 * looks like without a trained model. They see only what any agent sees (the observation and the
 * step's info), so they work through every wrapper.
 */
import { seaquestObservationPlayer } from './seaquest.ts';
import type { Info } from '../src/core/gym/env.ts';
import { UserError } from '../src/core/errors.ts';

export type ScriptedAgent = (observation: Float32Array, info: Info) => number;

/** Observation layout [size, size, k], newest frame last. */
interface Layout {
  readonly size: number;
  readonly frames: number;
}

/** Pong-v0: move the right paddle toward the ball, both located in the newest frame. */
function pongTracker({ size, frames }: Layout): ScriptedAgent {
  const UP = 1;
  const DOWN = 2;
  const NOOP = 0;
  return (observation) => {
    let ballRow = -1;
    let paddleRowSum = 0;
    let paddleRows = 0;
    for (let p = 0; p < size * size; p++) {
      const value = observation[p * frames + frames - 1] as number;
      if (value === 1) ballRow = Math.floor(p / size); // the ball is the only pure-white object
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

export function scriptedAgentFor(envId: string, shape: readonly number[]): ScriptedAgent {
  const layout = { size: shape[0] ?? 84, frames: shape[2] ?? 1 };
  switch (envId) {
    case 'Pong-v0':
      return pongTracker(layout);
    case 'Seaquest-v0':
      // The Seaquest helper's player: reads positions from the observation, oxygen from info.
      return seaquestObservationPlayer(shape);
    default:
      throw new UserError(`--agent scripted: no scripted player for env '${envId}' (have: Pong-v0, Seaquest-v0)`);
  }
}
