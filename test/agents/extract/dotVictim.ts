/**
 * A victim for extraction tests on the Dot env (test/agents/dqn/dotEnv.ts): it reads the newest
 * frame, finds the agent's column (top half) and the dot's (bottom half) and moves towards the dot
 * (0 left, 1 right, 2 stay). Its logits() and inputGradient throw: extraction must get by with act().
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../../../agents/policy.ts';
import { DOT_SHAPE } from '../dqn/dotEnv.ts';

const [SIDE, , STACK] = DOT_SHAPE;
const CELLS = 6;

function brightestColumn(values: Float32Array | Int32Array | Uint8Array, row0: number, rows: number, offset: number): number {
  const width = SIDE / CELLS;
  let best = 0;
  let bestSum = Number.NEGATIVE_INFINITY;
  for (let cell = 0; cell < CELLS; cell++) {
    let sum = 0;
    for (let y = row0; y < row0 + rows; y++) for (let x = cell * width; x < (cell + 1) * width; x++) sum += values[offset + (y * SIDE + x) * STACK + (STACK - 1)] as number;
    if (sum > bestSum) {
      bestSum = sum;
      best = cell;
    }
  }
  return best;
}

export interface DotVictim extends Policy {
  /** Observations act() has labelled so far. */
  readonly rowsActed: number;
}

export function dotVictim(): DotVictim {
  let rowsActed = 0;
  const victim = {
    actionCount: 3,
    inputShape: [...DOT_SHAPE] as [number, number, number],
    get rowsActed(): number {
      return rowsActed;
    },
    logits(): tf.Tensor2D {
      throw new Error('the victim\'s logits are secret');
    },
    inputGradient(): never {
      throw new Error('the victim\'s gradient is secret');
    },
    act(obs: tf.Tensor4D): number[] {
      const values = obs.dataSync();
      const size = SIDE * SIDE * STACK;
      const actions: number[] = [];
      for (let b = 0; b < obs.shape[0]; b++) {
        const agent = brightestColumn(values, 0, SIDE / 2, b * size);
        const dot = brightestColumn(values, SIDE / 2, SIDE / 2, b * size);
        actions.push(dot < agent ? 0 : dot > agent ? 1 : 2);
      }
      rowsActed += obs.shape[0];
      return actions;
    },
  };
  return victim;
}
