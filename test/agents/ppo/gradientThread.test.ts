import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { readFlatWeights } from '../../../agents/a3c/sharedParams.ts';
import { RolloutBuffer } from '../../../agents/onpolicy/rollout.ts';
import type { Rollout } from '../../../agents/onpolicy/updater.ts';
import { resolvePpoConfig } from '../../../agents/ppo/config.ts';
import { ppoAlgorithm } from '../../../agents/ppo/algorithm.ts';
import { ppoUpdaterFactory } from '../../../agents/ppo/updater.ts';
import { UserError } from '../../../src/core/errors.ts';
import { runTrain } from '../../../src/lab/commands/trainRun.ts';
import { Rng } from '../../../src/core/rng.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { tempDir } from '../../helpers/tempDir.ts';

await initBackend('wasm');

// The smallest input the 2013 conv trunk takes (8x8 stride 4, then 4x4 stride 2): the conv
// filter-gradient kernels run in both threads, as on Pong.
const INPUT_SHAPE = [20, 20, 2] as const;
const ACTIONS = 3;
const STEPS = 16;
const ENVS = 4;

function syntheticRollout(seed: number): Rollout {
  const rng = Rng.fromSeed(seed);
  const buffer = new RolloutBuffer(STEPS, ENVS, INPUT_SHAPE[0] * INPUT_SHAPE[1] * INPUT_SHAPE[2], ACTIONS);
  for (let i = 0; i < buffer.observations.length; i++) buffer.observations[i] = rng.float();
  for (let r = 0; r < buffer.rows; r++) {
    buffer.actions[r] = rng.int(0, ACTIONS - 1);
    buffer.logProbs[r] = Math.log(1 / ACTIONS) + 0.3 * rng.normal();
    buffer.values[r] = rng.normal();
  }
  const advantages = Float32Array.from({ length: buffer.rows }, () => rng.normal());
  const returns = Float32Array.from({ length: buffer.rows }, () => rng.normal());
  return { buffer, advantages, returns };
}

/** One PPO update (2 epochs of 3 minibatches of 21 rows: an odd size, so the split is 11 + 10). */
function updateWith(gradientThreads: 1 | 2, rollout: Rollout): { initial: Float32Array; weights: Float32Array; metrics: Record<string, number> } {
  const config = resolvePpoConfig({ env: 'Dot-v0', numEnvs: ENVS, numSteps: STEPS, minibatchSize: 21, epochs: 2, learningRate: 1e-3, gradientThreads, backend: 'wasm' });
  const updater = ppoUpdaterFactory.create(config, INPUT_SHAPE, ACTIONS, 7);
  try {
    const initial = readFlatWeights(updater.policyModel);
    const metrics = updater.update(rollout, { progress: 0, rng: Rng.fromSeed(5) });
    return { initial, weights: readFlatWeights(updater.policyModel), metrics };
  } finally {
    updater.dispose();
  }
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - (b[i] as number))), 0);

test('gradientThreads 2: the split minibatch gradient gives the one-thread update (to float rounding), deterministically, leaving no tensor', () => {
  const rollout = syntheticRollout(3);
  updateWith(2, rollout); // tfjs's one-time caches
  const before = tf.memory().numTensors;
  const one = updateWith(1, rollout);
  const two = updateWith(2, rollout);
  const again = updateWith(2, rollout);
  assert.equal(tf.memory().numTensors, before, 'updaters with a gradient thread leave no tensor behind');
  assert.deepEqual(one.initial, two.initial, 'same seed, same initial net');
  const moved = maxAbsDiff(one.weights, one.initial);
  const apart = maxAbsDiff(one.weights, two.weights);
  // 6 Adam steps of 1e-3 move weights ~6e-3; an unweighted mean of the 11- and 10-row parts
  // (instead of 11/21 and 10/21) or a part left out would move them apart by far more than 1e-3 of it.
  assert.ok(moved > 1e-3, `the update moved the weights by ${moved}`);
  assert.ok(apart < 1e-3 * moved, `one vs two threads: weights ${apart} apart, the update moved them ${moved}`);
  for (const key of ['loss', 'policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction', 'gradientNorm']) {
    const a = one.metrics[key] as number;
    const b = two.metrics[key] as number;
    assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a)), `${key}: one thread ${a}, two ${b}`);
  }
  assert.deepEqual(again.weights, two.weights, 'two threads twice: bit for bit');
});

test('--gradient-threads other than 1 or 2 is a one-line error naming the flag (exit 2); nothing is written', async () => {
  const out = join(tempDir('ppo-threads'), 'out');
  await assert.rejects(runTrain(ppoAlgorithm, { out, resume: false, force: false, 'gradient-threads': 3 }), (error: unknown) => error instanceof UserError && error.exitCode === 2 && /^--gradient-threads: /.test(error.message) && !error.message.includes('\n'));
  await assert.rejects(runTrain(ppoAlgorithm, { out, resume: false, force: false, 'gradient-threads': 0 }), /--gradient-threads: must be a positive integer, got 0/);
  assert.equal(existsSync(out), false);
});
