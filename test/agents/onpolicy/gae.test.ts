import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generalizedAdvantages, normalize } from '../../../agents/onpolicy/gae.ts';

// One env, 3 steps, gamma 0.9, lambda 0.8; the episode ends after step 1 (done), V(s_3) = 2:
//   t=2: delta = 2 + 0.9*2 - 1.5 = 2.3                 A = 2.3
//   t=1: delta = 0 - 1 = -1 (no bootstrap)            A = -1
//   t=0: delta = 1 + 0.9*1 - 0.5 = 1.4                A = 1.4 + 0.72 * (-1) = 0.68
const rewards = [1, 0, 2];
const values = [0.5, 1, 1.5];
const dones = [0, 1, 0];
const expected = { advantages: [0.68, -1, 2.3], returns: [1.18, 0, 3.8] };

function close(actual: ArrayLike<number>, wanted: readonly number[]): void {
  assert.equal(actual.length, wanted.length);
  wanted.forEach((w, i) => assert.ok(Math.abs((actual[i] as number) - w) < 1e-6, `index ${i}: ${actual[i]} vs ${w}`));
}

test('GAE on a hand-computed trajectory: a done cuts bootstrap and the lambda trace', () => {
  const result = generalizedAdvantages({ rewards, values, dones, lastValues: [2], envs: 1, gamma: 0.9, lambda: 0.8 });
  close(result.advantages, expected.advantages);
  close(result.returns, expected.returns);
});

test('GAE keeps envs apart in the time-major layout (row t * N + e)', () => {
  // Env 0 as above; env 1 all zeros with no done and V(s_3) = 0 (advantages 0).
  const interleave = (a: number[], b: number[]): number[] => a.flatMap((x, t) => [x, b[t] as number]);
  const result = generalizedAdvantages({ rewards: interleave(rewards, [0, 0, 0]), values: interleave(values, [0, 0, 0]), dones: interleave(dones, [0, 0, 0]), lastValues: [2, 0], envs: 2, gamma: 0.9, lambda: 0.8 });
  close(result.advantages, interleave(expected.advantages, [0, 0, 0]));
});

test('GAE with lambda 1 and no dones is the discounted return minus V', () => {
  const result = generalizedAdvantages({ rewards: [1, 1], values: [0.3, 0.2], dones: [0, 0], lastValues: [1], envs: 1, gamma: 0.5, lambda: 1 });
  close(result.returns, [1 + 0.5 * (1 + 0.5 * 1), 1 + 0.5]);
});

test('advantage normalization gives mean 0 and unbiased std 1 over the chosen rows', () => {
  const out = normalize(Float32Array.from([1, 100, 3, 100, 5]), [0, 2, 4]);
  close(out, [-1, 0, 1]);
});
