import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nStepReturns } from '../../../agents/a3c/returns.ts';

function close(actual: ArrayLike<number>, expected: number[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs((actual[i] as number) - e) < 1e-5, `entry ${i}: ${actual[i]} != ${e}`));
}

test('n-step returns bootstrap from V(s_n) when the rollout ends mid-episode', () => {
  // gamma 0.5, rewards 1, 0, 2, bootstrap 4: R2 = 2 + 0.5*4 = 4, R1 = 0 + 0.5*4 = 2, R0 = 1 + 0.5*2 = 2
  const { returns, advantages } = nStepReturns([1, 0, 2], [false, false, false], [0.5, 1, 3], 4, 0.5);
  close(returns, [2, 2, 4]);
  close(advantages, [1.5, 1, 1]);
});

test('a terminal step cuts the return: no reward or bootstrap leaks across episodes', () => {
  // Step 1 ends the episode; step 2 belongs to the next one and bootstraps from 10.
  // R2 = 1 + 0.9*10 = 10, R1 = -1 (terminal), R0 = 2 + 0.9*(-1) = 1.1
  const { returns, advantages } = nStepReturns([2, -1, 1], [false, true, false], [1, 0, 4], 10, 0.9);
  close(returns, [1.1, -1, 10]);
  close(advantages, [0.1, -1, 6]);
});

test('the bootstrap is ignored when the last step is terminal', () => {
  const { returns } = nStepReturns([0, 1], [false, true], [0, 0], 1000, 0.99);
  close(returns, [0.99, 1]);
});

test('mismatched lengths are an error', () => {
  assert.throws(() => nStepReturns([1, 2], [false], [0, 0], 0, 0.9), RangeError);
});
