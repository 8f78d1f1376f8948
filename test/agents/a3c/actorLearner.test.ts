import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleFromLogits } from '../../../agents/a3c/actorLearner.ts';
import { Rng } from '../../../src/core/rng.ts';

test('actions are sampled with the softmax probabilities of the logits', () => {
  // softmax(ln 1, ln 2, ln 7) = (0.1, 0.2, 0.7)
  const logits = [Math.log(1), Math.log(2), Math.log(7)];
  const rng = Rng.fromSeed(5);
  const counts = [0, 0, 0];
  const draws = 20_000;
  for (let i = 0; i < draws; i++) counts[sampleFromLogits(logits, rng)]! += 1;
  [0.1, 0.2, 0.7].forEach((p, a) => assert.ok(Math.abs((counts[a] as number) / draws - p) < 0.015, `action ${a}: ${(counts[a] as number) / draws} vs ${p}`));
});

test('sampling is stable for huge logits and reproducible for a seed', () => {
  assert.equal(sampleFromLogits([1000, -1000, 0], Rng.fromSeed(1)), 0);
  const a = Array.from({ length: 50 }, ((rng) => () => sampleFromLogits([0, 0, 0, 0], rng))(Rng.fromSeed(9)));
  const b = Array.from({ length: 50 }, ((rng) => () => sampleFromLogits([0, 0, 0, 0], rng))(Rng.fromSeed(9)));
  assert.deepEqual(a, b);
  assert.ok(new Set(a).size === 4);
});
