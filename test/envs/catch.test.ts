import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findGame, gameFacts, makeEnv } from '../../envs/index.ts';
import { checkEnv } from '../../src/core/gym/checkEnv.ts';
import { trajectory } from '../helpers/trajectory.ts';

test('Catch-v0 passes checkEnv through makeEnv and as the bare game env', () => {
  checkEnv(makeEnv('Catch-v0', { game: { balls: 2 } }), { seed: 3 });
  checkEnv(findGame('Catch-v0').makeGameEnv(84, { balls: 1 }), { seed: 4, steps: 100 });
});

test('facts: return bounds follow the balls param; the scripted player catches every ball, random play does not', () => {
  const facts = gameFacts('Catch-v0', { game: { balls: 5 } });
  assert.deepEqual([facts.worstReturn, facts.bestReturn], [-5, 5]);
  const env = makeEnv('Catch-v0', { game: { balls: 5 } });
  const player = facts.scriptedPlayer(env.observationSpace.shape);
  const scripted = trajectory(env, 1, 1000, (observation) => player(observation, {}));
  assert.equal(scripted.totalReward, 5);
  const random = trajectory(env, 1, 1000, (_, rng) => rng.int(0, 2));
  assert.ok(random.totalReward < 5, `random play: ${random.totalReward}`);
  assert.throws(() => gameFacts('Catch-v0', { game: { balls: 0 } }), /game\.balls: must be > 0/);
});
