import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findGame } from '../../envs/index.ts';
import { hashObservation } from '../../src/core/gym/checkEnv.ts';

const makeFrames = () => findGame('Pong-v0').makeGameEnv(84, { pointsToWin: 1 });

test('one uint8 frame [size, size, 1] per step', () => {
  const env = makeFrames();
  assert.deepEqual(env.observationSpace.shape, [84, 84, 1]);
  const { observation } = env.reset({ seed: 0 });
  assert.ok(observation instanceof Uint8Array && observation.length === 84 * 84);
});

test('the lazily drawn observation is drawn once and matches a fresh drawing', () => {
  const env = makeFrames();
  env.reset({ seed: 0 });
  for (let i = 0; i < 30; i++) env.step(1);
  const result = env.step(1);
  assert.equal(result.observation, result.observation, 'same array on every read');
  const other = makeFrames();
  other.reset({ seed: 0 });
  for (let i = 0; i < 30; i++) other.step(1).observation; // read every frame this time
  assert.equal(hashObservation(other.step(1).observation), hashObservation(result.observation));
});

test('reset without a seed before any seeded reset uses seed 0; later it continues the sequence', () => {
  const unseeded = makeFrames();
  const seeded = makeFrames();
  assert.equal(hashObservation(unseeded.reset().observation), hashObservation(seeded.reset({ seed: 0 }).observation));
  const serves = new Set(Array.from({ length: 5 }, () => hashObservation(unseeded.reset().observation)));
  assert.ok(serves.size > 1, 'unseeded resets draw new serves');
});

test('misuse throws: step before reset, bad action, step after the end', () => {
  const env = makeFrames();
  assert.throws(() => env.step(0), /before reset/);
  env.reset({ seed: 0 });
  assert.throws(() => env.step(3), /action must be an integer in \[0, 2\]/);
  assert.throws(() => env.step(1.5), /action/);
  let ended = false;
  for (let i = 0; i < 10_000 && !ended; i++) ended = env.step(0).terminated;
  assert.ok(ended);
  assert.throws(() => env.step(0), /after the episode ended/);
});
