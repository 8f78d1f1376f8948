/**
 * The training-observation hook (agents/training/observationHook.ts) on DQN: the replay batch's
 * states go through `learn` before the loss, the acting observation through `act`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { parseDqnConfig } from '../../../agents/dqn/config.ts';
import { DqnLearner } from '../../../agents/dqn/learner.ts';
import type { ReplayBatch } from '../../../agents/dqn/replayBuffer.ts';
import { trainDqn } from '../../../agents/dqn/train.ts';
import { buildQNetwork } from '../../../agents/networks.ts';
import type { ObservationHook } from '../../../agents/training/observationHook.ts';
import type { TrainingProgress } from '../../../agents/training/progress.ts';
import { Rng } from '../../../src/core/rng.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { assertNoGrowth } from '../../helpers/leakCheck.ts';
import { tempDir } from '../../helpers/tempDir.ts';
import { DotEnv } from './dotEnv.ts';

await initBackend('wasm');

const SHAPE = [24, 24, 2] as const;
const settings = { gamma: 0.9, doubleDqn: true, maxGradNorm: 10, huberDelta: 1, advantageLearningAlpha: 0, quantiles: 0 };

function batch(rng: Rng, size: number): ReplayBatch {
  const pixels = SHAPE[0] * SHAPE[1] * SHAPE[2];
  return {
    observations: Float32Array.from({ length: size * pixels }, () => rng.float()),
    nextObservations: Float32Array.from({ length: size * pixels }, () => rng.float()),
    actions: Int32Array.from({ length: size }, () => rng.int(0, 2)),
    rewards: Float32Array.from({ length: size }, () => rng.uniform(-1, 1)),
    steps: new Float32Array(size).fill(1),
    dones: new Float32Array(size),
    slots: Int32Array.from({ length: size }, (_, i) => i),
    weights: new Float32Array(size).fill(1),
  };
}

/** Online weights after one update on the same batch from the same init, with `hook` set. */
function weightsAfterUpdate(hook: ((obs: tf.Tensor4D) => tf.Tensor4D) | undefined): Float32Array[] {
  const learner = new DqnLearner(buildQNetwork(SHAPE, 3, 1), buildQNetwork(SHAPE, 3, 2), tf.train.sgd(0.1), settings);
  learner.setObservationHook(hook);
  learner.update(batch(Rng.fromSeed(3), 8), SHAPE);
  const weights = learner.online.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  learner.dispose();
  return weights;
}

test('the learn hook replaces the batch states: identity is bit-for-bit the plain update, zeroing changes it', () => {
  const plain = weightsAfterUpdate(undefined);
  const identity = weightsAfterUpdate((obs) => obs);
  assert.deepEqual(identity, plain);
  const zeroed = weightsAfterUpdate((obs) => tf.zerosLike(obs));
  assert.ok(zeroed.some((w, i) => w.some((v, j) => v !== plain[i]?.[j])), 'zeroed states change the update');
});

test('a hook that computes against the current net (an FGSM-like step) leaks no tensors over updates', async () => {
  const learner = new DqnLearner(buildQNetwork(SHAPE, 3, 1), buildQNetwork(SHAPE, 3, 2), tf.train.sgd(0.1), settings);
  learner.setObservationHook((obs) => {
    const grad = tf.grad((x: tf.Tensor) => tf.max(learner.online.apply(x) as tf.Tensor))(obs);
    return tf.clipByValue(tf.add(obs, tf.mul(0.01, tf.sign(grad))), 0, 1) as tf.Tensor4D;
  });
  const rng = Rng.fromSeed(5);
  await assertNoGrowth(() => learner.update(batch(rng, 8), SHAPE), 5, 'DQN update with a learn hook');
  learner.dispose();
});

test('trainDqn passes the hook through the harness: act sees [1,H,W,k] observations, learn the replay batches', async () => {
  const seen = { act: 0, learn: 0, learnRows: 0 };
  const hook: ObservationHook = {
    act: (policy, obs) => {
      seen.act++;
      assert.equal(policy.actionCount, 3);
      assert.deepEqual(obs.shape, [1, 24, 24, 2]);
      return obs;
    },
    learn: (_policy, obs) => {
      seen.learn++;
      seen.learnRows = obs.shape[0];
      return obs;
    },
  };
  const quiet: TrainingProgress = { update: () => undefined, log: () => undefined, stop: () => undefined };
  const config = parseDqnConfig({ env: 'Dot-v0', totalSteps: 80, bufferSize: 500, learningStarts: 40, trainFrequency: 4, batchSize: 4, epsilonDecaySteps: 40, evalInterval: 100_000, checkpointInterval: 100_000 });
  // Neither a plain run (it once kept the checkpoint's Adam step-count tensor) nor a hooked one leaves a tensor behind.
  let before = tf.memory().numTensors;
  await trainDqn(config, tempDir('hook'), { makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true });
  assert.equal(tf.memory().numTensors - before, 0, 'a plain run leaves no tensors behind');
  before = tf.memory().numTensors;
  await trainDqn(config, tempDir('hook'), { makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true, observationHook: hook });
  assert.equal(tf.memory().numTensors - before, 0, 'the hook leaves no tensors behind');
  assert.equal(seen.learn, 11, 'one learn call per update: steps 40, 44, ..., 80');
  assert.equal(seen.learnRows, 4);
  assert.ok(seen.act > 0, 'the greedy steps act through the hook');
});
