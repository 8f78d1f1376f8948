import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimeLimit } from '../../../../../src/core/gym/wrappers/timeLimit.ts';
import { ScriptedEnv } from '../../../../helpers/scriptedEnv.ts';

test('sets truncated (not terminated) at maxSteps, then refuses to step until reset', () => {
  const env = new TimeLimit(new ScriptedEnv(100), 3);
  env.reset();
  assert.equal(env.step(0).truncated, false);
  assert.equal(env.step(0).truncated, false);
  const last = env.step(0);
  assert.deepEqual([last.truncated, last.terminated], [true, false]);
  assert.throws(() => env.step(0), /after the episode ended/);
  env.reset();
  assert.equal(env.step(0).truncated, false, 'reset restarts the count');
});

test('an episode that terminates exactly at the limit is terminated, not truncated', () => {
  const env = new TimeLimit(new ScriptedEnv(3), 3);
  env.reset();
  env.step(0);
  env.step(0);
  const last = env.step(0);
  assert.deepEqual([last.truncated, last.terminated], [false, true]);
});
