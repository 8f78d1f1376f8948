import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EpisodeStatistics } from '../../../../../src/core/gym/wrappers/episodeStatistics.ts';
import { TimeLimit } from '../../../../../src/core/gym/wrappers/timeLimit.ts';
import { ScriptedEnv } from '../../../../helpers/scriptedEnv.ts';

test('info.episode = {return, length} only on the step that ends the episode', () => {
  const env = new EpisodeStatistics(new ScriptedEnv(4));
  env.reset();
  for (let i = 0; i < 3; i++) assert.equal(env.step(0).info['episode'], undefined);
  const last = env.step(0);
  assert.deepEqual(last.info['episode'], { return: 1 + 2 + 3 + 4, length: 4 });
  assert.equal(last.info['t'], 4, 'keeps the inner info');
  env.reset();
  env.step(0);
  env.step(0);
  env.step(0);
  assert.deepEqual(env.step(0).info['episode'], { return: 10, length: 4 }, 'reset clears the totals');
});

test('also reports truncated episodes', () => {
  const env = new EpisodeStatistics(new TimeLimit(new ScriptedEnv(100), 2));
  env.reset();
  env.step(0);
  assert.deepEqual(env.step(0).info['episode'], { return: 3, length: 2 });
});
