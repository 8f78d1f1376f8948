import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { deltaNorms, kthLargest, l1GreedyDelta, projectL1, scopeMask, validateBudget } from '../../../../src/lab/adversary/norms.ts';
import { UserError } from '../../../../src/core/errors.ts';
import { Rng } from '../../../../src/core/rng.ts';

before(async () => {
  await initBackend('cpu');
});

const l1 = (v: ArrayLike<number>): number => Array.from(v).reduce((a, x) => a + Math.abs(x), 0);
const distance = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.hypot(...Array.from(a, (x, i) => x - (b[i] ?? 0)));

test('deltaNorms counts l0 and sums l1, l2, linf of attacked - clean', () => {
  const clean = Float32Array.from([0.5, 0.5, 0.5, 0.5]);
  const attacked = Float32Array.from([0.5, 0.75, 0.25, 1]);
  const norms = deltaNorms(clean, attacked);
  assert.equal(norms.l0, 3);
  assert.ok(Math.abs(norms.l1 - 1) < 1e-7);
  assert.ok(Math.abs(norms.l2 - Math.sqrt(0.0625 + 0.0625 + 0.25)) < 1e-7);
  assert.equal(norms.linf, 0.5);
});

test('scopeMask selects the newest frame (last channel) or all of them', () => {
  // full obs shape [2, 1, 2, 3]: two rows of two pixels with three stacked frames each
  const newest = tf.tidy(() => scopeMask([2, 1, 2, 3], 'newest'));
  assert.deepEqual(newest.shape, [2, 1, 2, 3]);
  assert.deepEqual(Array.from(newest.dataSync()), [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
  assert.deepEqual(Array.from(tf.tidy(() => scopeMask([2, 1, 2, 3], 'all').dataSync())), Array(12).fill(1));
  newest.dispose();
});

test('projectL1 is the exact Euclidean projection onto the l1 ball, per sample', () => {
  const rng = Rng.fromSeed(5);
  const size = 6;
  for (let trial = 0; trial < 20; trial++) {
    const eps = 0.2 + rng.float();
    const v = Float32Array.from({ length: 2 * size }, () => rng.normal());
    const projected = projectL1(v, eps, size);
    for (let s = 0; s < 2; s++) {
      const vs = v.subarray(s * size, (s + 1) * size);
      const ws = projected.subarray(s * size, (s + 1) * size);
      assert.ok(Math.abs(l1(ws) - Math.min(eps, l1(vs))) < 1e-5, 'on the sphere when outside, unchanged when inside');
      // Optimality: no point of the ball (random points, scaled onto it) is closer to v.
      for (let c = 0; c < 200; c++) {
        const candidate = Array.from({ length: size }, () => rng.normal());
        const scale = (eps * rng.float()) / l1(candidate);
        assert.ok(distance(vs, candidate.map((x) => x * scale)) >= distance(vs, ws) - 1e-5);
      }
    }
  }
  const inside = Float32Array.from([0.1, -0.1, 0, 0.05]);
  assert.deepEqual(projectL1(inside, 1, 4), inside);
});

test('l1GreedyDelta fills the largest-|g| coordinates in order, each up to the [0,1] box, per sample', () => {
  const x = Float32Array.from([0.9, 0.5, 0.2, 0.5, /* sample 2 */ 0.5, 0.5, 0.5, 0.5]);
  const g = Float32Array.from([3, -2, 1, 0.5, /* sample 2 */ 0, 0, -1, 0]);
  const delta = l1GreedyDelta(x, g, undefined, 0.5, 4);
  // sample 1: coordinate 0 has room 0.1 up, coordinate 1 gets the remaining 0.4 down
  assert.deepEqual(Array.from(delta.subarray(0, 4), (d) => Math.round(d * 1e6) / 1e6), [0.1, -0.4, 0, 0]);
  // sample 2: one nonzero direction only; zero-gradient coordinates are never touched
  assert.deepEqual(Array.from(delta.subarray(4), (d) => Math.round(d * 1e6) / 1e6), [0, 0, -0.5, 0]);
  const masked = l1GreedyDelta(x, g, Float32Array.from([0, 1, 1, 1, 0, 1, 1, 1]), 0.5, 4);
  assert.equal(masked[0], 0, 'masked coordinates get nothing');
});

test('validateBudget names the bad option', () => {
  for (const [options, field] of [
    [{ eps: Number.NaN, norm: 'linf' }, 'eps'],
    [{ eps: Infinity, norm: 'linf' }, 'eps'],
    [{ eps: 0.1, norm: 'l0' }, 'norm'],
    [{ eps: 0.1, norm: 'linf', scope: 'oldest' }, 'scope'],
  ] as const) {
    assert.throws(() => validateBudget(options as never, 'fgsm'), (e: Error) => e instanceof UserError && e.message.includes(field) && !e.message.includes('\n'));
  }
});

/** The plain definition: all candidates sorted by |g| (ties by index), budget spent in order. */
function referenceL1Greedy(x: Float32Array, g: Float32Array, mask: Float32Array | undefined, budget: number, size: number): Float32Array {
  const delta = new Float32Array(x.length);
  for (let start = 0; start < x.length; start += size) {
    const order = [];
    for (let i = start; i < start + size; i++) if (g[i] !== 0 && (mask === undefined || mask[i] === 1)) order.push(i);
    order.sort((a, b) => Math.abs(g[b] ?? 0) - Math.abs(g[a] ?? 0) || a - b);
    let remaining = budget;
    for (const i of order) {
      if (remaining <= 0) break;
      const room = (g[i] ?? 0) > 0 ? 1 - (x[i] ?? 0) : (x[i] ?? 0);
      const move = Math.min(room, remaining);
      delta[i] = (g[i] ?? 0) > 0 ? move : -move;
      remaining -= move;
    }
  }
  return delta;
}

test('l1GreedyDelta (top-m selection) equals the full-sort greedy, with ties, masks and budgets past many pixels', () => {
  const rng = Rng.fromSeed(11);
  const size = 300;
  for (let trial = 0; trial < 40; trial++) {
    const x = Float32Array.from({ length: 2 * size }, () => (rng.chance(0.2) ? 1 : rng.float()));
    // coarse magnitudes make many ties; some zeros are never touched
    const g = Float32Array.from({ length: 2 * size }, () => Math.round(rng.normal() * 4) / 4);
    const mask = trial % 2 === 0 ? undefined : Float32Array.from({ length: 2 * size }, (_, i) => (i % 4 === 3 ? 1 : 0));
    const budget = [0.05, 0.7, 3, 20, 500][trial % 5] ?? 1;
    assert.deepEqual(l1GreedyDelta(x, g, mask, budget, size), referenceL1Greedy(x, g, mask, budget, size), `trial ${trial}, budget ${budget}`);
  }
});

test('kthLargest matches sorting', () => {
  const rng = Rng.fromSeed(12);
  for (let trial = 0; trial < 50; trial++) {
    const values = Float32Array.from({ length: 1 + Math.floor(rng.float() * 60) }, () => Math.round(rng.normal() * 3) + 0); // + 0 turns -0 into 0
    const descending = Array.from(values).sort((a, b) => b - a);
    const k = 1 + Math.floor(rng.float() * values.length);
    assert.equal(kthLargest(Float32Array.from(values), k), descending[k - 1]);
  }
});

test('projectL1 ignores zeros and matches the textbook sort-based projection on sparse samples', () => {
  const textbook = (v: number[], eps: number): number[] => {
    const u = v.map(Math.abs).sort((a, b) => b - a);
    let cumulative = 0;
    let theta = 0;
    u.forEach((value, j) => {
      cumulative += value;
      if (value - (cumulative - eps) / (j + 1) > 0) theta = (cumulative - eps) / (j + 1);
    });
    return v.map((x) => Math.sign(x) * Math.max(0, Math.abs(x) - theta));
  };
  const rng = Rng.fromSeed(13);
  const size = 200;
  for (let trial = 0; trial < 20; trial++) {
    const v = Float32Array.from({ length: 2 * size }, () => (rng.chance(0.7) ? 0 : rng.normal()));
    const eps = 0.5 + 3 * rng.float();
    const projected = projectL1(v, eps, size);
    for (let s = 0; s < 2; s++) {
      const expected = textbook(Array.from(v.subarray(s * size, (s + 1) * size)), eps);
      projected.subarray(s * size, (s + 1) * size).forEach((p, i) => assert.ok(Math.abs(p - (expected[i] ?? NaN)) < 1e-6, `trial ${trial} sample ${s} index ${i}`));
    }
  }
});
