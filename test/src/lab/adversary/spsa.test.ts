/**
 * SPSA (spsa.ts): its gradient estimate points along the true margin gradient of a linear policy;
 * the attack uses forward passes only, batched, stays in the eps-ball and [0, 1], is seeded, leaves
 * no tensors, and raises the margin.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { FieldError, UserError } from '../../../../src/core/errors.ts';
import { Rng } from '../../../../src/core/rng.ts';
import type { Policy } from '../../../../agents/policy.ts';
import { scopeIndices, spsa, spsaAttack, spsaGradientEstimate } from '../../../../src/lab/adversary/spsa.ts';
import { randomLinearPolicy } from '../../../helpers/linearPolicy.ts';

before(async () => {
  await initBackend('cpu');
});

const SHAPE: [number, number, number] = [4, 4, 4];
const SIZE = 64;

function marginOf(weights: number[][], x: ArrayLike<number>, label: number): { value: number; runnerUp: number } {
  const z = [0, 1, 2].map((a) => Array.from(x).reduce((s, xi, i) => s + xi * (weights[i]?.[a] ?? 0), 0));
  const others = [0, 1, 2].filter((a) => a !== label);
  const runnerUp = others.reduce((best, a) => ((z[a] ?? 0) > (z[best] ?? 0) ? a : best), others[0] ?? 0);
  return { value: (z[runnerUp] ?? 0) - (z[label] ?? 0), runnerUp };
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] as number) * (b[i] as number);
    aa += (a[i] as number) ** 2;
    bb += (b[i] as number) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

// With Rademacher directions the estimate's expected cosine with the true gradient is about
// 1 / sqrt(1 + (d - 1) / samples): 0.90 for d = 64, samples = 256. 0.8 leaves room for the draw; a
// wrong sign, scale-free noise or a wrong finite difference gives about -0.9 or 0.
const CORRELATION = 0.8;

test(`the SPSA gradient estimate correlates with the true margin gradient of a linear policy (cosine > ${CORRELATION})`, () => {
  for (const seed of [1, 2, 3]) {
    const policy = randomLinearPolicy(SHAPE, seed);
    const rng = Rng.fromSeed(seed + 10);
    const x = Float32Array.from({ length: SIZE }, () => rng.uniform(0.2, 0.8));
    const own = tf.tidy(() => policy.act(tf.tensor4d(x, [1, ...SHAPE])))[0] ?? 0; // the clean action, as the attack's label
    const { runnerUp } = marginOf(policy.weights, x, own);
    const truth = policy.weights.map((w) => (w[runnerUp] ?? 0) - (w[own] ?? 0));
    for (const targeted of [false, true]) {
      const estimate = spsaGradientEstimate(policy, x, own, targeted, scopeIndices(SHAPE, 'all'), 256, 1e-3, rng);
      const expected = targeted ? truth.map((g) => -g) : truth;
      const c = cosine(estimate, expected);
      assert.ok(c > CORRELATION, `seed ${seed} targeted ${targeted}: cosine ${c.toFixed(3)}`);
    }
    // scope newest: the estimate covers the newest frame's 16 pixels only
    const newest = scopeIndices(SHAPE, 'newest');
    const estimate = spsaGradientEstimate(policy, x, own, false, newest, 256, 1e-3, rng);
    assert.equal(estimate.length, 16);
    assert.ok(cosine(estimate, Array.from(newest, (p) => truth[p] ?? 0)) > CORRELATION, `seed ${seed}: newest frame`);
  }
});

/** The policy seen through logits() only, counting calls and rows. */
function counting(policy: Policy): { policy: Policy; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    policy: {
      actionCount: policy.actionCount,
      inputShape: policy.inputShape,
      logits: (obs) => {
        calls.push(obs.shape[0]);
        return policy.logits(obs);
      },
      act: () => {
        throw new Error('spsa reads logits, not act');
      },
      inputGradient: () => {
        throw new Error('spsa must not take a gradient');
      },
    },
  };
}

test('SPSA: forward passes only, all 2 x samples probes and the current point in one pass per step, at most steps + 1 passes', () => {
  const inner = randomLinearPolicy(SHAPE, 4);
  const { policy, calls } = counting(inner);
  const obs = tf.tensor4d(Float32Array.from({ length: 2 * SIZE }, (_, i) => (i % 7) / 7), [2, ...SHAPE]);
  spsa(policy, obs, { eps: 0.01, norm: 'linf', steps: 6, samples: 5 }, Rng.fromSeed(1)).dispose();
  assert.ok(calls.length >= 2 && calls.length <= 2 * 7, `${calls.length} passes for 2 rows`);
  for (const rows of calls) assert.ok(rows === 11 || rows === 1, `a pass of ${rows} rows`);
  obs.dispose();
});

test('SPSA raises the margin on every row, flips some at a large eps, stays in the ball and [0,1], is seeded, leaks nothing', () => {
  const policy = randomLinearPolicy(SHAPE, 5);
  const rng = Rng.fromSeed(6);
  // Pixels at 0 and 1 included, so the [0, 1] projection is exercised.
  const values = Float32Array.from({ length: 4 * SIZE }, (_, i) => (i % 9 === 0 ? 0 : i % 9 === 1 ? 1 : rng.float()));
  const obs = tf.tensor4d(values, [4, ...SHAPE]);
  const clean = policy.act(obs);
  for (const [scope, eps] of [['all', 0.05], ['newest', 0.2]] as const) {
    const options = { eps, norm: 'linf', scope, steps: 20, samples: 32 } as const;
    const before = tf.memory().numTensors;
    const a = spsa(policy, obs, options, Rng.fromSeed(9));
    assert.equal(tf.memory().numTensors, before + 1, 'only the result is left');
    const b = spsa(policy, obs, options, Rng.fromSeed(9));
    const attacked = a.dataSync() as Float32Array;
    assert.deepEqual(attacked, b.dataSync(), `${scope}: seeded`);
    attacked.forEach((v, i) => {
      assert.ok(v >= 0 && v <= 1 && Math.abs(v - (values[i] as number)) <= eps + 1e-6, `${scope}: value ${i}`);
      if (scope === 'newest' && i % 4 !== 3) assert.equal(v, values[i], 'older frames untouched');
    });
    for (let row = 0; row < 4; row++) {
      const cleanMargin = marginOf(policy.weights, values.subarray(row * SIZE, (row + 1) * SIZE), clean[row] ?? 0).value;
      const attackedMargin = marginOf(policy.weights, attacked.subarray(row * SIZE, (row + 1) * SIZE), clean[row] ?? 0).value;
      assert.ok(attackedMargin > cleanMargin, `${scope} row ${row}: margin ${attackedMargin} <= clean ${cleanMargin}`);
    }
    const flipped = policy.act(a).filter((action, i) => action !== clean[i]).length;
    assert.ok(flipped >= 1, `${scope}: SPSA flips at least one of 4 rows at eps ${eps}`);
    tf.dispose([a, b]);
  }
  obs.dispose();
});

test('SPSA options: l-inf only (a FieldError on norm in configs), and one-line UserErrors for bad values', () => {
  assert.throws(() => spsaAttack.make({ eps: 0.1, norm: 'l2' }, 'cfg'), (e: unknown) => e instanceof FieldError && e.field === 'norm' && e.message.startsWith('cfg: '));
  assert.equal(spsaAttack.labelOf({ eps: 0.1 }), '');
  assert.equal(spsaAttack.labelOf({ eps: 0.1, steps: 20, samples: 64 }), ' k=20 samples=64');
  const policy = randomLinearPolicy(SHAPE, 1);
  const obs = tf.zeros([1, ...SHAPE]) as tf.Tensor4D;
  assert.throws(() => spsa(policy, obs, { eps: 0.1, norm: 'linf', samples: 0 }, Rng.fromSeed(1)), (e: unknown) => e instanceof UserError && /samples/.test(e.message));
  assert.throws(() => spsa(policy, obs, { eps: 0.1, norm: 'linf', delta: -1 }, Rng.fromSeed(1)), (e: unknown) => e instanceof UserError && /delta/.test(e.message));
  obs.dispose();
});
