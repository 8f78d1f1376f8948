import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MaxAndSkip } from '../../../../../src/core/gym/wrappers/maxAndSkip.ts';
import { ScriptedEnv, scriptedFrame } from '../../../../helpers/scriptedEnv.ts';

function maxFrame(a: number, b: number): number[] {
  const x = scriptedFrame(a);
  const y = scriptedFrame(b);
  return Array.from(x, (v, i) => Math.max(v, y[i] as number));
}

test('repeats the action skip times, sums rewards, returns the max of the last two frames', () => {
  const inner = new ScriptedEnv(100);
  const env = new MaxAndSkip(inner, 4);
  env.reset();
  const first = env.step(2);
  assert.deepEqual(inner.actions, [2, 2, 2, 2]);
  assert.equal(first.reward, 1 + 2 + 3 + 4);
  const expected = maxFrame(3, 4);
  assert.notDeepEqual(expected, [...scriptedFrame(4)], 'the script must make max differ from the last frame');
  assert.deepEqual([...first.observation], expected);
  const second = env.step(1);
  assert.equal(second.reward, 5 + 6 + 7 + 8);
  assert.deepEqual([...second.observation], maxFrame(7, 8));
});

test('stops at termination and reports it', () => {
  const inner = new ScriptedEnv(6);
  const env = new MaxAndSkip(inner, 4);
  env.reset();
  assert.equal(env.step(0).terminated, false);
  const last = env.step(0);
  assert.equal(inner.actions.length, 6, 'no frame is stepped after the end');
  assert.equal(last.terminated, true);
  assert.equal(last.reward, 5 + 6);
  assert.deepEqual([...last.observation], maxFrame(5, 6));
});

test('skip 1 returns the frame itself', () => {
  const env = new MaxAndSkip(new ScriptedEnv(), 1);
  env.reset();
  assert.deepEqual([...env.step(0).observation], [...scriptedFrame(1)]);
});

test('rejects a non-positive skip', () => {
  assert.throws(() => new MaxAndSkip(new ScriptedEnv(), 0), /skip/);
});
