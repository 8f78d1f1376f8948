/** Jacobian-based augmentation: x + λ·sign(∂F_y/∂x), clipped to [0,1], on a policy whose gradient is known. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { jacobianAugment, roundLambda } from '../../../agents/extract/jacobian.ts';
import { LayersPolicy } from '../../../agents/layersPolicy.ts';
import { buildQNetwork } from '../../../agents/networks.ts';
import { Rng } from '../../../src/core/rng.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { randomLinearPolicy } from '../../helpers/linearPolicy.ts';

await initBackend('wasm');

const SHAPE: [number, number, number] = [4, 4, 2];

function uniformBatch(rows: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed);
  // Some pixels at 0 and 1 exactly, so clipping is exercised.
  return Float32Array.from({ length: rows * 32 }, (_, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? 1 : rng.float()));
}

test('each coordinate moves by exactly λ in the sign of ∂F_y/∂x (W[:, y] for a linear policy), clipped to [0,1]', () => {
  const policy = randomLinearPolicy(SHAPE, 5);
  const labels = [0, 2, 1];
  const x = uniformBatch(3, 1);
  const lambda = 0.1;
  const before = tf.memory().numTensors;
  const obs = tf.tensor4d(x, [3, ...SHAPE]);
  const augmented = jacobianAugment(policy, obs, labels, lambda);
  const out = augmented.dataSync();
  obs.dispose();
  augmented.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  let moved = 0;
  let clipped = 0;
  for (let b = 0; b < 3; b++) {
    for (let i = 0; i < 32; i++) {
      const k = b * 32 + i;
      const value = out[k] as number;
      const original = x[k] as number;
      const direction = Math.sign(policy.weights[i]?.[labels[b] as number] ?? 0);
      assert.ok(value >= 0 && value <= 1, `within [0,1]: ${value}`);
      const unclipped = original + lambda * direction;
      if (unclipped < 0 || unclipped > 1) {
        assert.equal(value, Math.min(1, Math.max(0, unclipped)));
        clipped++;
      } else {
        assert.ok(Math.abs(value - original - lambda * direction) < 1e-6, `coordinate ${k} moved by ${value - original}, not ${lambda * direction}`);
        moved++;
      }
    }
  }
  assert.ok(moved > 60 && clipped > 5, `both cases exercised (${moved} moved, ${clipped} clipped)`);
});

test('the fast input-gradient path of a layers net gives the same points as tf.grad through its logits', () => {
  const model = buildQNetwork([24, 24, 2], 3, 7);
  const fast = new LayersPolicy(model);
  assert.ok(fast.inputGradient !== undefined);
  const slow = { actionCount: fast.actionCount, inputShape: fast.inputShape, logits: (o: tf.Tensor4D) => fast.logits(o), act: (o: tf.Tensor4D) => fast.act(o) };
  const rng = Rng.fromSeed(2);
  const obs = tf.tensor4d(Float32Array.from({ length: 2 * 24 * 24 * 2 }, () => rng.float()), [2, 24, 24, 2]);
  const a = jacobianAugment(fast, obs, [1, 2], -0.05);
  const b = jacobianAugment(slow, obs, [1, 2], -0.05);
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  for (const t of [obs, a, b]) t.dispose();
  model.dispose();
});

test("λ's sign flips every τ augmentation rounds (Papernot's periodic step size); τ = 0 never flips", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((round) => roundLambda(0.1, round, 3)), [0.1, 0.1, 0.1, -0.1, -0.1, -0.1, 0.1]);
  assert.deepEqual([1, 4, 9].map((round) => roundLambda(0.1, round, 0)), [0.1, 0.1, 0.1]);
});
