import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { ppoLossGradient, ppoLossTensors } from '../../../agents/ppo/loss.ts';
import { Rng } from '../../../src/core/rng.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';

await initBackend('wasm');

test('the closed-form PPO loss gradient equals tf.grad of the loss in tf ops (clipped and unclipped rows)', () => {
  const rng = Rng.fromSeed(11);
  const n = 24;
  const A = 4;
  const logits = Float32Array.from({ length: n * A }, () => rng.normal());
  const values = Float32Array.from({ length: n }, () => rng.normal());
  // Old log-probabilities far enough from the current ones that some ratios leave [0.8, 1.2].
  const actions = Int32Array.from({ length: n }, () => rng.int(0, A - 1));
  const current = tf.tidy(() => tf.logSoftmax(tf.tensor2d(logits, [n, A])).arraySync()) as number[][];
  const oldLogProbs = Float32Array.from(actions, (a, t) => (current[t]?.[a] as number) + rng.normal() * 0.4);
  const batch = {
    actions,
    oldLogProbs,
    advantages: Float32Array.from({ length: n }, () => rng.normal()),
    returns: Float32Array.from({ length: n }, () => rng.normal()),
    oldValues: Float32Array.from(values, (v) => v + rng.normal() * 0.3),
  };
  for (const clipValueLoss of [true, false]) {
    const c = { clipRange: 0.2, clipValueLoss, valueCoef: 0.5, entropyCoef: 0.01 };
    const closed = ppoLossGradient(logits, values, batch, c);
    assert.ok(closed.clipFraction > 0 && closed.clipFraction < 1, `clip fraction ${closed.clipFraction}: the test needs both kinds of rows`);
    const [dz, dv] = tf.tidy(() => tf.grads((z: tf.Tensor, v: tf.Tensor) => ppoLossTensors(z as tf.Tensor2D, v as tf.Tensor1D, batch, c))([tf.tensor2d(logits, [n, A]), tf.tensor1d(values)]).map((g) => g.dataSync() as Float32Array)) as [Float32Array, Float32Array];
    const loss = tf.tidy(() => ppoLossTensors(tf.tensor2d(logits, [n, A]), tf.tensor1d(values), batch, c).dataSync()[0] as number);
    assert.ok(Math.abs(loss - closed.loss) < 1e-5, `loss ${closed.loss} vs tf ${loss}`);
    dz.forEach((g, i) => assert.ok(Math.abs(g - (closed.dLogits[i] as number)) < 1e-6, `dLogits[${i}] ${closed.dLogits[i]} vs tf ${g} (clipValueLoss ${clipValueLoss})`));
    dv.forEach((g, i) => assert.ok(Math.abs(g - (closed.dValues[i] as number)) < 1e-6, `dValues[${i}] ${closed.dValues[i]} vs tf ${g} (clipValueLoss ${clipValueLoss})`));
  }
});
