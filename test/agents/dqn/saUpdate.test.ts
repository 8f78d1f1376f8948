/**
 * SA-DQN's regularizer inside the full DQN update (learner.ts): the fused path (TD backward + a
 * second backward at the worst states, summed) must give the same parameter step as tf.variableGrads
 * of the summed loss (TD + kappa * mean hinge), for a plain Q-net and a quantile net (Q = mean of
 * quantiles, so the hinge's output gradient spreads 1/N per quantile). Also: the regularizer changes
 * the step, obs returned as the worst state skips it, updates are deterministic and leak nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { DqnLearner, type SaRegularizerSettings } from '../../../agents/dqn/learner.ts';
import { headOutputs } from '../../../agents/dqn/quantiles.ts';
import type { ReplayBatch } from '../../../agents/dqn/replayBuffer.ts';
import { buildQNetwork } from '../../../agents/networks.ts';
import { Rng } from '../../../src/core/rng.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { assertNoGrowth } from '../../helpers/leakCheck.ts';

await initBackend('wasm');

const SHAPE = [24, 24, 2] as const;
const ACTIONS = 3;

function batch(seed: number, size: number): ReplayBatch {
  const rng = Rng.fromSeed(seed);
  const pixels = SHAPE[0] * SHAPE[1] * SHAPE[2];
  return {
    observations: Float32Array.from({ length: size * pixels }, () => rng.float()),
    nextObservations: Float32Array.from({ length: size * pixels }, () => rng.float()),
    actions: Int32Array.from({ length: size }, () => rng.int(0, ACTIONS - 1)),
    rewards: Float32Array.from({ length: size }, () => rng.uniform(-1, 1)),
    steps: new Float32Array(size).fill(1),
    dones: new Float32Array(size),
    slots: Int32Array.from({ length: size }, (_, i) => i),
    weights: Float32Array.from({ length: size }, () => rng.uniform(0.5, 1)),
  };
}

/** A fixed "worst state" map (the PGD is the lab's; the gradient check needs any ŝ(s)): s + 0.1 sin(37 s), clipped. */
const shifted = (obs: tf.Tensor4D): tf.Tensor4D => tf.tidy(() => tf.clipByValue(tf.add(obs, tf.mul(0.1, tf.sin(tf.mul(obs, 37)))), 0, 1) as tf.Tensor4D);

/** The online weights' change after one SGD step (lr 1): minus the clipped gradient. */
function stepOf(options: { fused: boolean; quantiles: number; sa?: SaRegularizerSettings; maxGradNorm?: number }): Float32Array[] {
  const outputs = headOutputs(ACTIONS, options.quantiles);
  const settings = { gamma: 0.9, doubleDqn: true, maxGradNorm: options.maxGradNorm ?? 0, huberDelta: 1, advantageLearningAlpha: 0, quantiles: options.quantiles };
  const learner = new DqnLearner(buildQNetwork(SHAPE, outputs, 1), buildQNetwork(SHAPE, outputs, 2), tf.train.sgd(1), settings, {
    fusedGradient: options.fused,
    ...(options.quantiles > 0 ? { foldedNetwork: buildQNetwork(SHAPE, ACTIONS, 3) } : {}),
  });
  assert.equal(learner.fusedGradient, options.fused);
  learner.setSaRegularizer(options.sa);
  const before = learner.online.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  learner.update(batch(4, 8), SHAPE);
  const after = learner.online.getWeights().map((w) => w.dataSync() as Float32Array);
  const delta = before.map((b, i) => b.map((v, j) => ((after[i] as Float32Array)[j] as number) - v));
  learner.dispose();
  return delta;
}

function assertClose(actual: Float32Array[], expected: Float32Array[], what: string): void {
  const scale = Math.max(...expected.map((w) => Math.max(...w.map(Math.abs))));
  actual.forEach((w, i) =>
    w.forEach((v, j) => {
      const e = (expected[i] as Float32Array)[j] as number;
      assert.ok(Math.abs(v - e) <= 2e-4 * scale, `${what}: weight ${i}[${j}] ${v} vs ${e} (scale ${scale})`);
    }),
  );
}

const maxDifference = (a: Float32Array[], b: Float32Array[]): number => Math.max(...a.map((w, i) => Math.max(...w.map((v, j) => Math.abs(v - ((b[i] as Float32Array)[j] as number))))));

for (const quantiles of [0, 4]) {
  const kind = quantiles === 0 ? 'a plain Q-net' : `a quantile net (N = ${quantiles})`;
  test(`SA regularizer, ${kind}: the fused update equals tf.variableGrads of TD + kappa * hinge`, () => {
    // margin 3 keeps every row's hinge active, so each row's rival and greedy outputs get gradient.
    const sa: SaRegularizerSettings = { kappa: 0.5, margin: 3, worstState: shifted };
    const fused = stepOf({ fused: true, quantiles, sa });
    const tape = stepOf({ fused: false, quantiles, sa });
    assertClose(fused, tape, 'fused vs tape');
    const plain = stepOf({ fused: true, quantiles });
    assert.ok(maxDifference(fused, plain) > 1e-4, 'the regularizer changes the step');
    // with clipping on, the sum is clipped as one gradient in both paths
    assertClose(stepOf({ fused: true, quantiles, sa, maxGradNorm: 0.5 }), stepOf({ fused: false, quantiles, sa, maxGradNorm: 0.5 }), 'clipped');
  });
}

test('a worst state equal to obs (eps 0 at the ramp start) skips the regularizer: the plain step bit for bit', () => {
  const sa: SaRegularizerSettings = { kappa: 0.5, margin: 3, worstState: (obs) => obs };
  assert.deepEqual(stepOf({ fused: true, quantiles: 0, sa }), stepOf({ fused: true, quantiles: 0 }));
});

test('updates with the regularizer are deterministic and leak no tensors', async () => {
  const sa: SaRegularizerSettings = { kappa: 0.5, margin: 3, worstState: shifted };
  assert.deepEqual(stepOf({ fused: true, quantiles: 4, sa }), stepOf({ fused: true, quantiles: 4, sa }));
  const settings = { gamma: 0.9, doubleDqn: true, maxGradNorm: 10, huberDelta: 1, advantageLearningAlpha: 0, quantiles: 4 };
  for (const fusedGradient of [true, false]) {
    const learner = new DqnLearner(buildQNetwork(SHAPE, 12, 1), buildQNetwork(SHAPE, 12, 2), tf.train.adam(1e-3), settings, { fusedGradient, foldedNetwork: buildQNetwork(SHAPE, ACTIONS, 3) });
    learner.setSaRegularizer(sa);
    let seed = 10;
    await assertNoGrowth(() => learner.update(batch(seed++, 8), SHAPE), 4, `SA update (fused ${fusedGradient})`);
    assert.ok(learner.lastRegularizerLoss > 0);
    learner.dispose();
  }
});
