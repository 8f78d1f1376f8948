import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ci95, degradationPercent, mean, sampleStd } from '../../../src/core/stats.ts';

test('mean, sample std and the 95% t-interval on hand-set numbers', () => {
  const values = [1, 2, 3, 4];
  assert.equal(mean(values), 2.5);
  assert.ok(Math.abs(sampleStd(values) - Math.sqrt(5 / 3)) < 1e-12);
  // t(0.975, 3) = 3.182: half-width = 3.182 * 1.29099 / 2
  assert.ok(Math.abs(ci95(values) - (3.182 * Math.sqrt(5 / 3)) / 2) < 1e-9);
  assert.equal(ci95([7]), 0);
  assert.equal(ci95([5, 5, 5]), 0);
});

test('large samples use the normal quantile', () => {
  const values = Array.from({ length: 100 }, (_, i) => i % 2);
  assert.ok(Math.abs(ci95(values) - (1.96 * sampleStd(values)) / 10) < 1e-12);
});

test('degradation: 0% without effect, 100% at the worst return, relative to the clean-to-worst span', () => {
  assert.equal(degradationPercent(20, 20, -21), 0);
  assert.equal(degradationPercent(20, -21, -21), 100);
  assert.ok(Math.abs(degradationPercent(19, -1, -21) - 50) < 1e-12);
  assert.equal(degradationPercent(-21, -21, -21), 0);
  assert.ok(degradationPercent(10, 12, 0) < 0, 'an attack that helps shows as negative');
});
