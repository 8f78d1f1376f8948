/**
 * The decision-based attack (decision.ts): it works through policy.act alone (a policy whose
 * logits() throws), counts its queries exactly and never exceeds the budget, stays in the eps-ball
 * and [0, 1], is seeded, leaves no tensors, and finds action changes where they exist.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { FieldError } from '../../../../src/core/errors.ts';
import { Rng } from '../../../../src/core/rng.ts';
import type { Policy } from '../../../../agents/policy.ts';
import { countingOracle, decisionAttack, decisionEntry, decisionSearch, patchFractionAt } from '../../../../src/lab/adversary/decision.ts';

before(async () => {
  await initBackend('cpu');
});

const SHAPE: [number, number, number] = [6, 6, 2];
const SIZE = 72;

/** Only act() works: logits and inputGradient throw, so any read of them fails the test. */
function actOnly(inner: Policy): Policy {
  return {
    actionCount: inner.actionCount,
    inputShape: inner.inputShape,
    logits: () => {
      throw new Error('the decision attack read logits');
    },
    act: (obs) => inner.act(obs),
    inputGradient: () => {
      throw new Error('the decision attack asked for a gradient');
    },
  };
}

/** A policy whose action is 1 when the newest frame's mean exceeds `threshold`, else 0. */
function thresholdPolicy(threshold: number): Policy {
  const act = (obs: tf.Tensor4D): number[] =>
    tf.tidy(() => {
      const newest = tf.slice(obs, [0, 0, 0, SHAPE[2] - 1], [-1, -1, -1, 1]);
      return Array.from(tf.greater(tf.mean(newest, [1, 2, 3]), threshold).dataSync());
    });
  return { actionCount: 2, inputShape: SHAPE, logits: () => tf.zeros([1, 2]) as tf.Tensor2D, act };
}

test('works through act alone (logits throws), stays in the eps-ball and [0,1], seeded, leaks nothing, finds flips', () => {
  // Clean newest-frame means near 0.5 (pixels at 0 and 1 included, to exercise the clipping): action
  // 0; a proposal flips it when it lifts the mean past 0.55.
  const inner = thresholdPolicy(0.55);
  const policy = actOnly(inner);
  const rng = Rng.fromSeed(2);
  const values = Float32Array.from({ length: 3 * SIZE }, (_, i) => (i % 11 === 0 ? 0 : i % 11 === 1 ? 1 : rng.uniform(0.4, 0.55)));
  const obs = tf.tensor4d(values, [3, ...SHAPE]);
  for (const scope of ['newest', 'all'] as const) {
    const options = { eps: 0.3, norm: 'linf', scope, queries: 60 } as const;
    const before = tf.memory().numTensors;
    const a = decisionAttack(policy, obs, options, Rng.fromSeed(4));
    assert.equal(tf.memory().numTensors, before + 1, 'only the result is left');
    const b = decisionAttack(policy, obs, options, Rng.fromSeed(4));
    const attacked = a.dataSync() as Float32Array;
    assert.deepEqual(attacked, b.dataSync(), 'seeded');
    attacked.forEach((v, i) => {
      assert.ok(v >= 0 && v <= 1 && Math.abs(v - (values[i] as number)) <= 0.3 + 1e-6, `${scope}: value ${i}`);
      if (scope === 'newest' && i % 2 === 0) assert.equal(v, values[i], 'older frames untouched');
    });
    const changed = inner.act(a).filter((action, i) => action !== inner.act(obs)[i]).length;
    assert.ok(changed >= 1, `${scope}: flips at least one of 3 rows at eps 0.3`);
    tf.dispose([a, b]);
  }
  obs.dispose();
});

test('queries: counted exactly (the oracle sees as many rows as reported), never above the budget, all spent when nothing flips', () => {
  const obs = tf.fill([2, ...SHAPE], 0.5) as tf.Tensor4D;
  for (const budget of [2, 7, 20, 21, 55]) {
    // Unflippable at eps 0.01: the newest-frame mean stays near 0.5, far below 0.9.
    const { oracle, count } = countingOracle(thresholdPolicy(0.9));
    const { perturbed, queries } = decisionSearch(oracle, obs, { eps: 0.01, norm: 'linf', queries: budget }, Rng.fromSeed(1));
    assert.deepEqual(queries, [budget, budget], `budget ${budget}: all spent on each row`);
    assert.equal(count(), 2 * budget, `budget ${budget}: the oracle answered exactly the reported rows`);
    assert.deepEqual(perturbed.dataSync(), obs.dataSync(), 'no success: the clean observation');
    perturbed.dispose();
  }
  // Flippable (threshold just above the clean mean, eps large): a success ends the search after the
  // chunk (of 20 rows) it was in; the count is still exact and within the budget.
  for (const budget of [5, 100]) {
    const { oracle, count } = countingOracle(thresholdPolicy(0.52));
    const { perturbed, queries } = decisionSearch(oracle, obs, { eps: 0.4, norm: 'linf', queries: budget }, Rng.fromSeed(2));
    assert.equal(count(), (queries[0] ?? 0) + (queries[1] ?? 0), 'counted exactly');
    for (const q of queries) assert.ok(q <= budget && (q % 20 === 0 || q === budget), `budget ${budget}: ${q} queries`);
    if (budget === 100) assert.ok(queries.some((q) => q < budget), 'found a flip before the budget ran out');
    perturbed.dispose();
  }
  // Targeted: success is the target; a clean action that is already the target costs one query.
  const { oracle, count } = countingOracle(thresholdPolicy(0.9));
  const { perturbed, queries } = decisionSearch(oracle, obs, { eps: 0.01, norm: 'linf', queries: 50, targetAction: 0 }, Rng.fromSeed(3));
  assert.deepEqual(queries, [20, 20], 'the clean action is the target: done after the first chunk');
  assert.equal(count(), 40);
  perturbed.dispose();
  obs.dispose();
});

test("Square Attack's patch schedule, rescaled to the budget; options checked", () => {
  assert.equal(patchFractionAt(0, 10000, 0.05), 0.05);
  assert.equal(patchFractionAt(11, 10000, 0.05), 0.025);
  assert.equal(patchFractionAt(9000, 10000, 0.05), 0.05 / 512);
  assert.equal(patchFractionAt(50, 100, 0.1), 0.1 / 2 ** 7, 'half the budget: past 10, 50, ..., 4000 of 10000');
  assert.throws(() => decisionEntry.make({ eps: 0.1, norm: 'l1' }, 'cfg'), (e: unknown) => e instanceof FieldError && e.field === 'norm');
  assert.throws(() => decisionEntry.make({ eps: 0.1, queries: 1 }, 'cfg'), (e: unknown) => e instanceof FieldError && e.field === 'queries');
  assert.equal(decisionEntry.labelOf({ eps: 0.1, queries: 500 }), ' q=500');
});
