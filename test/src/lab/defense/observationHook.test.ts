/**
 * The defense hook the lab builds from a config's blocks: every perturbation stays inside the ramped
 * eps-ball and [0,1]; eps ramps linearly from 0; `fraction` attacks that share of a batch's rows;
 * SA's worst state raises the rival margin; nothing leaks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { LayersPolicy } from '../../../../agents/layersPolicy.ts';
import { buildQNetwork } from '../../../../agents/networks.ts';
import { adversarialTrainingSchema, rampedEps } from '../../../../agents/training/adversarialTraining.ts';
import { saRegularizerSchema } from '../../../../agents/dqn/config.ts';
import { Rng } from '../../../../src/core/rng.ts';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { buildObservationHook } from '../../../../src/lab/defense/observationHook.ts';
import { assertNoGrowth } from '../../../helpers/leakCheck.ts';

await initBackend('wasm');

const SHAPE = [24, 24, 2] as const;
const policy = new LayersPolicy(buildQNetwork(SHAPE, 3, 7));

/** A batch with pixels at 0, at 1 and in between, so the [0,1] clip is exercised on both sides. */
function batch(rows: number, seed: number): tf.Tensor4D {
  const rng = Rng.fromSeed(seed);
  const values = Float32Array.from({ length: rows * SHAPE[0] * SHAPE[1] * SHAPE[2] }, () => {
    const u = rng.float();
    return u < 0.3 ? 0 : u > 0.7 ? 1 : rng.float();
  });
  return tf.tensor4d(values, [rows, ...SHAPE]);
}

/** Largest |delta| per row, and whether every value is inside [0,1]. */
function deltas(clean: tf.Tensor4D, attacked: tf.Tensor4D): { perRow: number[]; inBox: boolean } {
  const a = clean.dataSync();
  const b = attacked.dataSync();
  const size = a.length / clean.shape[0];
  const perRow = Array.from({ length: clean.shape[0] }, (_, row) => {
    let max = 0;
    for (let i = row * size; i < (row + 1) * size; i++) max = Math.max(max, Math.abs((b[i] as number) - (a[i] as number)));
    return max;
  });
  return { perRow, inBox: Array.from(b).every((v) => v >= 0 && v <= 1) };
}

test('eps ramps linearly from 0 at epsRampStart to eps after epsRampSteps', () => {
  const ramp = { eps: 0.004, epsRampSteps: 1000, epsRampStart: 500 };
  assert.equal(rampedEps(ramp, 0), 0);
  assert.equal(rampedEps(ramp, 500), 0);
  assert.equal(rampedEps(ramp, 750), 0.001);
  assert.equal(rampedEps(ramp, 1500), 0.004);
  assert.equal(rampedEps(ramp, 10_000), 0.004);
  assert.equal(rampedEps({ eps: 0.01, epsRampSteps: 0 }, 0), 0.01);
});

for (const attack of ['fgsm', 'pgd'] as const) {
  test(`${attack} adversarial training: learn rows stay in the ramped l-inf ball and [0,1]; fraction picks that share of rows`, () => {
    const block = adversarialTrainingSchema.parse({ attack, eps: 0.02, epsRampSteps: 100, fraction: 0.5, where: 'both', pgdSteps: 3 });
    const hook = buildObservationHook({ adversarialTraining: block });
    assert.ok(hook?.learn !== undefined && hook.act !== undefined);
    const clean = batch(8, 1);
    for (const step of [0, 25, 50, 100, 1000]) {
      const eps = rampedEps(block, step);
      const learn = hook.learn;
      const attacked: tf.Tensor4D = learn(policy, clean, Rng.fromSeed(2), step);
      const { perRow, inBox } = deltas(clean, attacked);
      assert.ok(inBox, `step ${step}: a pixel left [0,1]`);
      for (const d of perRow) assert.ok(d <= eps + 1e-7, `step ${step}: |delta| ${d} > eps ${eps}`);
      if (step >= 50) assert.equal(perRow.filter((d) => d > 0).length, 4, `step ${step}: half of the 8 rows attacked`);
      if (step === 0) assert.equal(attacked, clean, 'eps 0: the batch passes unchanged');
      if (attacked !== clean) attacked.dispose();
    }
    clean.dispose();
  });
}

test('act: the acting observation is attacked with probability fraction, within the ball', () => {
  const block = adversarialTrainingSchema.parse({ attack: 'fgsm', eps: 0.01, epsRampSteps: 0, fraction: 0.5, where: 'act' });
  const hook = buildObservationHook({ adversarialTraining: block });
  assert.equal(hook?.learn, undefined);
  const act = hook?.act as NonNullable<NonNullable<typeof hook>['act']>;
  const rng = Rng.fromSeed(3);
  let changed = 0;
  for (let i = 0; i < 40; i++) {
    const clean = batch(1, 10 + i);
    const seen = act(policy, clean, rng, 0);
    const { perRow, inBox } = deltas(clean, seen);
    assert.ok(inBox && (perRow[0] as number) <= 0.01 + 1e-7);
    if (seen !== clean) {
      changed++;
      seen.dispose();
    }
    clean.dispose();
  }
  assert.ok(changed > 10 && changed < 30, `about half of 40 steps attacked, got ${changed}`);
});

test("SA's worst state: inside the ball and [0,1], and it raises the best rival's margin over the greedy action", () => {
  const sa = saRegularizerSchema.parse({ eps: 0.05, epsRampSteps: 0, pgdSteps: 5 });
  const worstCase = buildObservationHook({ saRegularizer: sa })?.worstCase as NonNullable<NonNullable<ReturnType<typeof buildObservationHook>>['worstCase']>;
  const clean = batch(6, 4);
  const worst = worstCase(policy, clean, Rng.fromSeed(5), 0);
  const { perRow, inBox } = deltas(clean, worst);
  assert.ok(inBox);
  for (const d of perRow) assert.ok(d <= 0.05 + 1e-7 && d > 0);
  const margins = (obs: tf.Tensor4D, greedy: number[]): number[] =>
    tf.tidy(() => {
      const q = policy.logits(obs).arraySync();
      return q.map((row, i) => Math.max(...row.filter((_, a) => a !== greedy[i])) - (row[greedy[i] as number] as number));
    });
  const greedy = policy.act(clean);
  const before = margins(clean, greedy);
  const after = margins(worst, greedy);
  after.forEach((m, i) => assert.ok(m > (before[i] as number), `row ${i}: margin ${before[i]} -> ${m}`));
  const ramped = buildObservationHook({ saRegularizer: { ...sa, epsRampSteps: 10 } })?.worstCase;
  assert.equal(ramped?.(policy, clean, Rng.fromSeed(5), 0), clean, 'eps 0 at the ramp start: obs itself (the learner skips the regularizer)');
  worst.dispose();
  clean.dispose();
});

test('the hooks leak no tensors', async () => {
  const hook = buildObservationHook({
    adversarialTraining: adversarialTrainingSchema.parse({ attack: 'pgd', eps: 0.01, epsRampSteps: 0, fraction: 0.5, where: 'both', pgdSteps: 2 }),
    saRegularizer: saRegularizerSchema.parse({ eps: 0.01, epsRampSteps: 0, pgdSteps: 2 }),
  });
  const rng = Rng.fromSeed(6);
  const clean = batch(4, 7);
  await assertNoGrowth(() => {
    for (const transform of [hook?.act, hook?.learn, hook?.worstCase]) {
      const out = transform?.(policy, clean, rng, 10);
      if (out !== undefined && out !== clean) out.dispose();
    }
  }, 4, 'defense hooks');
  clean.dispose();
});
