/**
 * DqnLearner's fused chain gradient (agents/chainParameterGradient.ts with the Huber gradient in
 * closed form) against its tf.variableGrads path: two learners from the same seeds take the same
 * updates, and their losses and weights must agree. SGD, not Adam, so a weight difference is the
 * learning rate times a gradient difference (Adam divides by sqrt(v), which would blow a 1e-9
 * difference in a near-zero gradient up to a full step). TD errors straddle huberDelta so both
 * Huber branches count; with and without global-norm clipping; Double DQN and not; importance
 * weights (prioritized replay) below 1; plain Q-values and QR-DQN's quantiles (its quantile Huber
 * gradient in closed form, agents/dqn/quantiles.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { DqnLearner, type LearnerSettings } from '../../../agents/dqn/learner.ts';
import { headOutputs } from '../../../agents/dqn/quantiles.ts';
import type { ReplayBatch } from '../../../agents/dqn/replayBuffer.ts';
import { tdTargets } from '../../../agents/dqn/tdTargets.ts';
import { buildQNetwork } from '../../../agents/networks.ts';
import { Rng } from '../../../src/core/rng.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { assertClose } from '../../src/core/tensor/kernels/compare.ts';

const TOLERANCE = 1e-5;

function randomBatch(rng: Rng, size: number, shape: readonly number[], actions: number): ReplayBatch {
  const pixels = shape.reduce((a, b) => a * b, 1);
  return {
    observations: Float32Array.from({ length: size * pixels }, () => rng.float()),
    nextObservations: Float32Array.from({ length: size * pixels }, () => rng.float()),
    actions: Int32Array.from({ length: size }, () => rng.int(0, actions - 1)),
    // Initial Q-values are O(0.1-1): rewards up to 3 put some TD errors beyond delta = 1.
    rewards: Float32Array.from({ length: size }, () => rng.uniform(-3, 3)),
    // Some multi-step samples, so the gamma^steps discount is exercised too.
    steps: Float32Array.from({ length: size }, () => rng.int(1, 3)),
    dones: Float32Array.from({ length: size }, () => (rng.chance(0.3) ? 1 : 0)),
    slots: Int32Array.from({ length: size }, (_, i) => i),
    weights: Float32Array.from({ length: size }, () => rng.uniform(0.2, 1)),
  };
}

function pair(shape: readonly [number, number, number], settings: LearnerSettings): [DqnLearner, DqnLearner] {
  const outputs = headOutputs(6, settings.quantiles);
  const make = (fusedGradient: boolean): DqnLearner =>
    new DqnLearner(buildQNetwork(shape, outputs, 1), buildQNetwork(shape, outputs, 2), tf.train.sgd(0.05), settings, {
      fusedGradient,
      ...(settings.quantiles > 0 ? { foldedNetwork: buildQNetwork(shape, 6, 3) } : {}),
    });
  return [make(true), make(false)];
}

async function compareUpdates(backend: 'cpu' | 'wasm', shape: readonly [number, number, number], sizes: readonly number[]): Promise<void> {
  await initBackend(backend);
  const rng = Rng.fromSeed(backend === 'cpu' ? 51 : 52);
  for (const settings of [
    { gamma: 0.99, doubleDqn: true, maxGradNorm: 10, huberDelta: 1, advantageLearningAlpha: 0, quantiles: 0 },
    { gamma: 0.9, doubleDqn: false, maxGradNorm: 0.05, huberDelta: 0.5, advantageLearningAlpha: 0.9, quantiles: 0 },
    { gamma: 0.99, doubleDqn: true, maxGradNorm: 10, huberDelta: 1, advantageLearningAlpha: 0.9, quantiles: 4 },
    { gamma: 0.9, doubleDqn: false, maxGradNorm: 0.05, huberDelta: 0.5, advantageLearningAlpha: 0, quantiles: 3 },
  ]) {
    const [fused, taped] = pair(shape, settings);
    assert.equal(fused.fusedGradient, true, 'the Q-network is a chain');
    assert.equal(taped.fusedGradient, false);
    for (const size of sizes) {
      const batch = randomBatch(rng, size, shape, 6);
      const what = `${backend} ${shape.join('x')} batch ${size} (${JSON.stringify(settings)})`;
      const resultFused = fused.update(batch, shape);
      const resultTaped = taped.update(batch, shape);
      const [lossFused, lossTaped] = [resultFused.loss, resultTaped.loss];
      assert.ok(Math.abs(lossFused - lossTaped) <= TOLERANCE * Math.max(1, Math.abs(lossTaped)), `${what}: loss ${lossFused} vs ${lossTaped}`);
      assertClose(resultFused.tdErrors, resultTaped.tdErrors, `${what}: TD errors`, TOLERANCE);
      const a = fused.online.getWeights();
      const b = taped.online.getWeights();
      a.forEach((w, i) => assertClose(w.dataSync() as Float32Array, b[i]?.dataSync() as Float32Array, `${what}: weight ${i}`, TOLERANCE));
    }
    fused.dispose();
    taped.dispose();
  }
}

test('fused and tf.variableGrads updates agree at 84x84, batch 1, 5 and 32 (wasm)', async () => {
  await compareUpdates('wasm', [84, 84, 4], [1, 5, 32]);
});

test('fused and tf.variableGrads updates agree on a small input, batch 1 and 5 (cpu)', async () => {
  await compareUpdates('cpu', [24, 24, 2], [1, 5]);
});

for (const alpha of [0, 0.9]) {
  test(`update reports TD errors of the Q-values before its step, target minus Q(s, a)${alpha > 0 ? ', advantage learning lowering non-greedy targets' : ''}`, async () => {
    await initBackend('cpu');
    const shape: [number, number, number] = [24, 24, 2];
    const settings = { gamma: 0.9, doubleDqn: true, maxGradNorm: 10, huberDelta: 1, advantageLearningAlpha: alpha, quantiles: 0 };
    const [learner] = pair(shape, settings);
    const batch = randomBatch(Rng.fromSeed(7), 6, shape, 6);
    let largestCorrection = 0;
    const expected = tf.tidy(() => {
      const nextObs = tf.tensor4d(batch.nextObservations, [6, ...shape]);
      const obs = tf.tensor4d(batch.observations, [6, ...shape]);
      const targets = tdTargets({
        rewards: tf.tensor1d(batch.rewards),
        dones: tf.tensor1d(batch.dones),
        nextQTarget: learner.target.predict(nextObs) as tf.Tensor2D,
        nextQOnline: learner.online.predict(nextObs) as tf.Tensor2D,
        steps: tf.tensor1d(batch.steps),
        gamma: settings.gamma,
      }).arraySync();
      // Advantage learning by hand: alpha * (max_b Q_target(s, b) - Q_target(s, a)) off each target.
      const qTarget = (learner.target.predict(obs) as tf.Tensor2D).arraySync();
      const q = (learner.online.predict(obs) as tf.Tensor2D).arraySync();
      return Float32Array.from(batch.actions, (a, i) => {
        const row = qTarget[i] as number[];
        const correction = alpha * (Math.max(...row) - (row[a] as number));
        largestCorrection = Math.max(largestCorrection, correction);
        return (targets[i] as number) - correction - ((q[i] as number[])[a] as number);
      });
    });
    const { tdErrors } = learner.update(batch, shape);
    assertClose(tdErrors, expected, 'TD errors', TOLERANCE);
    assert.ok(expected.some((e) => Math.abs(e) > 0.1), 'the batch has TD errors to report');
    if (alpha > 0) assert.ok(largestCorrection > 0.01, `the batch has non-greedy actions to correct (largest ${largestCorrection})`);
    learner.dispose();
  });
}

test('importance weights scale each sample\'s step: weights 0.5 at rate 0.1 equal weights 1 at rate 0.05', async () => {
  await initBackend('cpu');
  const shape: [number, number, number] = [24, 24, 2];
  const settings = { gamma: 0.99, doubleDqn: true, maxGradNorm: 0, huberDelta: 1, advantageLearningAlpha: 0, quantiles: 0 };
  const batch = randomBatch(Rng.fromSeed(8), 5, shape, 6);
  const make = (rate: number): DqnLearner => new DqnLearner(buildQNetwork(shape, 6, 1), buildQNetwork(shape, 6, 2), tf.train.sgd(rate), settings);
  const full = make(0.05);
  const half = make(0.1);
  const fullLoss = full.update({ ...batch, weights: new Float32Array(5).fill(1) }, shape).loss;
  const halfLoss = half.update({ ...batch, weights: new Float32Array(5).fill(0.5) }, shape).loss;
  assert.ok(Math.abs(halfLoss - fullLoss / 2) <= TOLERANCE, `weighted loss ${halfLoss} is half of ${fullLoss}`);
  const a = full.online.getWeights();
  const b = half.online.getWeights();
  a.forEach((w, i) => assertClose(w.dataSync() as Float32Array, b[i]?.dataSync() as Float32Array, `weight ${i}`, TOLERANCE));
  // Weight 0 on every sample: no loss, no step.
  const still = make(0.05);
  const before = still.online.getWeights().map((w) => w.dataSync().slice());
  assert.equal(still.update({ ...batch, weights: new Float32Array(5) }, shape).loss, 0);
  still.online.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), before[i], `weight ${i} did not move`));
  for (const learner of [full, half, still]) learner.dispose();
});

test('a quantile update reports the Q-values\' TD errors: mean target quantile minus mean quantile of the action taken, before its step', async () => {
  await initBackend('cpu');
  const shape: [number, number, number] = [24, 24, 2];
  const quantiles = 4;
  const settings = { gamma: 0.9, doubleDqn: true, maxGradNorm: 10, huberDelta: 1, advantageLearningAlpha: 0, quantiles };
  const [learner] = pair(shape, settings);
  const batch = randomBatch(Rng.fromSeed(9), 6, shape, 6);
  const expected = tf.tidy(() => {
    const next = tf.tensor4d(batch.nextObservations, [6, ...shape]);
    const byAction = (model: typeof learner.online, obs: tf.Tensor4D): number[][][] => (tf.reshape(model.predict(obs) as tf.Tensor, [6, 6, quantiles]).arraySync() as number[][][]);
    const nextTarget = byAction(learner.target, next);
    const nextOnline = byAction(learner.online, next);
    const now = byAction(learner.online, tf.tensor4d(batch.observations, [6, ...shape]));
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    return Float32Array.from(batch.actions, (a, i) => {
      const onlineMeans = (nextOnline[i] as number[][]).map(mean);
      const best = onlineMeans.indexOf(Math.max(...onlineMeans));
      const bootstrap = (1 - (batch.dones[i] as number)) * 0.9 ** (batch.steps[i] as number) * mean((nextTarget[i] as number[][])[best] as number[]);
      return (batch.rewards[i] as number) + bootstrap - mean((now[i] as number[][])[a] as number[]);
    });
  });
  const { tdErrors, loss } = learner.update(batch, shape);
  assertClose(tdErrors, expected, 'TD errors', TOLERANCE);
  assert.ok(Number.isFinite(loss) && loss > 0, `a positive quantile Huber loss (${loss})`);
  learner.dispose();
});

test('a quantile learner acts and evaluates on the mean of its quantiles: policyNetwork() gives exactly those Q-values', async () => {
  await initBackend('cpu');
  const shape: [number, number, number] = [24, 24, 2];
  const [learner] = pair(shape, { gamma: 0.9, doubleDqn: true, maxGradNorm: 10, huberDelta: 1, advantageLearningAlpha: 0, quantiles: 5 });
  const rng = Rng.fromSeed(10);
  // One update first, so the quantiles of an action differ from each other.
  learner.update(randomBatch(rng, 8, shape, 6), shape);
  const observations = Float32Array.from({ length: 3 * 24 * 24 * 2 }, () => rng.float());
  const [byQuantiles, folded] = tf.tidy(() => {
    const obs = tf.tensor4d(observations, [3, ...shape]);
    return [tf.mean(tf.reshape(learner.online.predict(obs) as tf.Tensor, [3, 6, 5]), 2).dataSync() as Float32Array, (learner.policyNetwork().predict(obs) as tf.Tensor).dataSync() as Float32Array];
  });
  assertClose(folded, byQuantiles, 'folded Q-values', TOLERANCE);
  const spread = tf.tidy(() => tf.max(tf.moments(tf.reshape(learner.online.predict(tf.tensor4d(observations, [3, ...shape])) as tf.Tensor, [3, 6, 5]), 2).variance).dataSync()[0] ?? 0);
  assert.ok(spread > 0, 'the quantiles of an action differ');
  for (let row = 0; row < 3; row++) {
    const q = Array.from(folded.slice(row * 6, row * 6 + 6));
    assert.equal(learner.greedyAction(observations.slice(row * 1152, (row + 1) * 1152), shape), q.indexOf(Math.max(...q)));
  }
  learner.dispose();
});

test('quantile updates leave no tensors behind', async () => {
  await initBackend('cpu');
  const shape: [number, number, number] = [24, 24, 2];
  const [fused, taped] = pair(shape, { gamma: 0.99, doubleDqn: true, maxGradNorm: 10, huberDelta: 1, advantageLearningAlpha: 0.9, quantiles: 4 });
  const rng = Rng.fromSeed(11);
  for (const learner of [fused, taped]) {
    learner.update(randomBatch(rng, 4, shape, 6), shape);
    learner.policyNetwork();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      learner.update(randomBatch(rng, 4, shape, 6), shape);
      learner.policyNetwork();
      learner.greedyAction(randomBatch(rng, 1, shape, 6).observations, shape);
    }
    assert.equal(tf.memory().numTensors, before);
    learner.dispose();
  }
});
