import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameStack } from '../../../../../src/core/gym/wrappers/frameStack.ts';
import { ScriptedEnv, scriptedFrame } from '../../../../helpers/scriptedEnv.ts';

/** Channel c of an [H, W, k] stack, as a plain array. */
function channel(stack: Uint8Array, k: number, c: number): number[] {
  return Array.from({ length: stack.length / k }, (_, p) => stack[p * k + c] as number);
}

const frame = (t: number): number[] => [...scriptedFrame(t)];

test('shape is [H, W, k]; reset fills every slot with the first frame', () => {
  const env = new FrameStack(new ScriptedEnv(), 3);
  assert.deepEqual(env.observationSpace.shape, [2, 2, 3]);
  const { observation } = env.reset();
  assert.equal(observation.length, 12);
  for (let c = 0; c < 3; c++) assert.deepEqual(channel(observation, 3, c), frame(0));
});

test('newest frame last, oldest dropped', () => {
  const env = new FrameStack(new ScriptedEnv(), 3);
  env.reset();
  const one = env.step(0).observation;
  assert.deepEqual([0, 1, 2].map((c) => channel(one, 3, c)), [frame(0), frame(0), frame(1)]);
  env.step(0);
  const three = env.step(0).observation;
  assert.deepEqual([0, 1, 2].map((c) => channel(three, 3, c)), [frame(1), frame(2), frame(3)]);
  // Earlier observations are independent arrays: later steps must not change them.
  assert.deepEqual([0, 1, 2].map((c) => channel(one, 3, c)), [frame(0), frame(0), frame(1)]);
});

test('a second reset starts a fresh stack', () => {
  const env = new FrameStack(new ScriptedEnv(), 2);
  env.reset();
  env.step(0);
  const { observation } = env.reset();
  assert.deepEqual([channel(observation, 2, 0), channel(observation, 2, 1)], [frame(0), frame(0)]);
});

test('rejects frames that are not [H, W, 1]', () => {
  const stacked = new FrameStack(new ScriptedEnv(), 2);
  assert.throws(() => new FrameStack(stacked, 2), /\[H, W, 1\]/);
});
