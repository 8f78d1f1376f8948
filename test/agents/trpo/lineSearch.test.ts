import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backtrackingLineSearch } from '../../../agents/trpo/lineSearch.ts';

const options = { baseline: 0, expectedImprovement: 1, maxKl: 0.01, maxBacktracks: 10, shrink: 0.5, acceptRatio: 0.1 };

test('the line search never accepts a step past max-KL, however much the surrogate gains', () => {
  // KL grows as fraction^2 * 0.05: only fractions <= sqrt(0.2) ~ 0.447 are inside 0.01.
  const tried: number[] = [];
  const result = backtrackingLineSearch((f) => {
    tried.push(f);
    return { surrogate: 10 * f, kl: 0.05 * f * f };
  }, options);
  assert.deepEqual(tried, [1, 0.5, 0.25]);
  assert.equal(result.fraction, 0.25);
  assert.ok(result.kl <= options.maxKl);
});

test('the line search rejects steps that do not improve the surrogate enough, and can take none', () => {
  const none = backtrackingLineSearch((f) => ({ surrogate: -f, kl: 0 }), options);
  assert.equal(none.fraction, 0);
  assert.equal(none.trials, 10);
  // Improvement below acceptRatio * expected at the full step, enough after one halving.
  const half = backtrackingLineSearch((f) => ({ surrogate: f === 1 ? 0.05 : 0.4 * f, kl: 0 }), options);
  assert.equal(half.fraction, 0.5);
  // A NaN KL is never accepted.
  assert.equal(backtrackingLineSearch(() => ({ surrogate: 1, kl: Number.NaN }), options).fraction, 0);
});

test('across random surrogate/KL curves, every accepted step is within max-KL', () => {
  let seed = 7;
  const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let k = 0; k < 200; k++) {
    const scale = next() * 0.1;
    const gain = next() * 2 - 0.5;
    const result = backtrackingLineSearch((f) => ({ surrogate: gain * f, kl: scale * f * (1 + next()) }), options);
    assert.ok(result.fraction === 0 || result.kl <= options.maxKl, `accepted kl ${result.kl}`);
  }
});
