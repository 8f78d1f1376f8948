import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { DqnLearner } from '../../../agents/dqn/learner.ts';
import { PrioritizedReplayBuffer } from '../../../agents/dqn/prioritizedReplay.ts';
import { loadDqnCheckpoint, saveDqnCheckpoint, trainDqn } from '../../../agents/dqn/train.ts';
import { evaluate, evaluateRandom } from '../../../agents/evaluate.ts';
import { LayersPolicy } from '../../../agents/layersPolicy.ts';
import { loadPolicy } from '../../../agents/loadPolicy.ts';
import { buildQNetwork } from '../../../agents/networks.ts';
import type { TrainingProgress } from '../../../agents/training/progress.ts';
import { UserError } from '../../../src/core/errors.ts';
import { Rng } from '../../../src/core/rng.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { loadModel } from '../../../src/core/tensor/fileIO.ts';
import { assertNoGrowth } from '../../helpers/leakCheck.ts';
import { tempDir } from '../../helpers/tempDir.ts';
import { tinyDqnConfig } from './tinyConfig.ts';
import { DOT_SHAPE, DotEnv } from './dotEnv.ts';

await initBackend('wasm');


const quiet: TrainingProgress = { update: () => undefined, log: () => undefined, stop: () => undefined };


for (const [variant, overrides] of [
  ['', {}],
  [' with prioritized replay', { prioritizedReplay: true }],
  [' as QR-DQN (8 quantiles)', { quantiles: 8 }],
] as const) {
  test(`DQN learns the tiny pixel env${variant}: greedy return clearly beats random play`, async () => {
    const out = tempDir('dqn');
    const config = tinyDqnConfig(overrides);
    await trainDqn(config, out, { makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true });
    const { learner } = await loadDqnCheckpoint(out, config, 3);
    const greedy = evaluate(new LayersPolicy(learner.policyNetwork()), new DotEnv(), 10, 500);
    const random = evaluateRandom(new DotEnv(), 10, 500, Rng.fromSeed(1));
    learner.dispose();
    assert.ok(random.meanReturn < 2, `random play scored ${random.meanReturn}`);
    assert.ok(greedy.meanReturn >= 8, `greedy DQN scored ${greedy.meanReturn} (random ${random.meanReturn})`);
    const csv = readFileSync(join(out, 'training.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'step,episodes,recentReturn,evalReturn,loss,epsilon,stepsPerSecond,wallSeconds,learningRate');
    assert.equal(csv.length, 1 + 1);
  });
}

test('a checkpoint saved and loaded gives identical Q-values (online and target)', async () => {
  const out = tempDir('dqn');
  const config = tinyDqnConfig();
  const rng = Rng.fromSeed(4);
  const learner = new DqnLearner(buildQNetwork(DOT_SHAPE, 3, 1), buildQNetwork(DOT_SHAPE, 3, 2), tf.train.adam(1e-3), config);
  const state = { step: 7, episodes: 1, updates: 3, rngState: rng.state(), recentReturns: [1, 2], wallSeconds: 1, bestEvalReturn: null };
  await saveDqnCheckpoint(out, learner, state, config);
  const loaded = await loadDqnCheckpoint(out, config, 3);
  const x = tf.randomUniform([4, ...DOT_SHAPE], 0, 1, 'float32', 3);
  for (const [a, b] of [
    [learner.online, loaded.learner.online],
    [learner.target, loaded.learner.target],
  ] as const) {
    const qa = tf.tidy(() => (a.predict(x) as tf.Tensor).dataSync());
    const qb = tf.tidy(() => (b.predict(x) as tf.Tensor).dataSync());
    assert.deepEqual(Array.from(qb), Array.from(qa));
  }
  assert.deepEqual(loaded.state, state);
  x.dispose();
  learner.dispose();
  loaded.learner.dispose();
});

test('a killed run resumes: counters, epsilon schedule and RNG continue from the checkpoint', async () => {
  const out = tempDir('dqn');
  const config = tinyDqnConfig({ totalSteps: 240, learningStarts: 48, trainFrequency: 4, logInterval: 60, evalInterval: 120, evalEpisodes: 2 });
  const first = await trainDqn(config, out, { makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true, stopAfterSteps: 120 });
  assert.equal(first.stoppedBy, 'limit');
  assert.equal(first.state.step, 120);
  const saved = await loadDqnCheckpoint(out, config, 3);
  assert.equal(saved.state.step, 120);
  assert.equal(saved.state.episodes, 10);
  assert.deepEqual(saved.state.rngState, first.state.rngState);
  // The periodic evaluation left a loadable model folder (best so far) before the run ended.
  const policy = await loadPolicy(out);
  assert.equal(policy.actionCount, 3);
  const agent = JSON.parse(readFileSync(join(out, 'agent.json'), 'utf8')) as { algorithm: string; trainedSteps: number; evaluation: { episodes: number; seed: number; returns: number[] } };
  assert.deepEqual([agent.algorithm, agent.trainedSteps, agent.evaluation.episodes], ['dqn', 120, 2]);
  // It was graded on the seeds after the final evaluation's, and replaying them gives its returns.
  assert.equal(agent.evaluation.seed, config.evalSeed + config.finalEvalEpisodes);
  assert.deepEqual(evaluate(policy, new DotEnv(), 2, agent.evaluation.seed).returns, agent.evaluation.returns);
  saved.learner.dispose();
  const second = await trainDqn(config, out, { makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true, resume: true });
  assert.equal(second.stoppedBy, 'done');
  assert.equal(second.state.step, 240);
  // The interrupted episode is abandoned: 10 episodes of 12 steps, then 10 more.
  assert.equal(second.state.episodes, 20);
  // Updates every 4th step from 48 to 120 before the kill; after resume the empty buffer
  // refills for learningStarts = 48 steps, then every 4th step from 168 to 240.
  assert.equal(second.state.updates, 19 + 19);
  const csvSteps = readFileSync(join(out, 'training.csv'), 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[0]));
  assert.deepEqual(csvSteps, [60, 120, 180, 240]);
});

test('a learning-rate schedule drives the optimizer, is logged, and a resumed run takes the rate from its config', async () => {
  const out = tempDir('dqn');
  const config = tinyDqnConfig({ totalSteps: 240, learningStarts: 48, trainFrequency: 4, logInterval: 60, learningRateEnd: 1e-4, learningRateDecayStart: 60 });
  await trainDqn(config, out, { makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true, stopAfterSteps: 120 });
  const saved = await loadDqnCheckpoint(out, config, 3);
  // The last update ran at step 120, halfway through the annealing from 1e-3 (step 60) to 1e-4 (step 240).
  assert.ok(Math.abs((saved.learner.optimizer.getConfig()['learningRate'] as number) - 7e-4) < 1e-12);
  saved.learner.dispose();
  const csvRates = (): number[] => readFileSync(join(out, 'training.csv'), 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[8]));
  assert.deepEqual(csvRates().map((rate) => rate.toPrecision(6)), [1e-3, 7e-4].map((rate) => rate.toPrecision(6)));
  // Resumed with a constant rate: the config decides, not the rate the checkpoint's optimizer was saved with.
  const constant = { ...config, learningRateEnd: null };
  await trainDqn(constant, out, { makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true, resume: true });
  const resumed = await loadDqnCheckpoint(out, constant, 3);
  assert.equal(resumed.learner.optimizer.getConfig()['learningRate'], 1e-3);
  resumed.learner.dispose();
  assert.deepEqual(csvRates().slice(2), [1e-3, 1e-3]);
});

test('no tensor leak over many updates', async () => {
  const config = tinyDqnConfig();
  const learner = new DqnLearner(buildQNetwork(DOT_SHAPE, 3, 1), buildQNetwork(DOT_SHAPE, 3, 2), tf.train.adam(1e-3), config);
  const buffer = new PrioritizedReplayBuffer(200, DOT_SHAPE, { alpha: config.priorityAlpha, epsilon: config.priorityEpsilon });
  const env = new DotEnv();
  const rng = Rng.fromSeed(2);
  let observation = env.reset({ seed: 1 }).observation;
  for (let i = 0; i < 100; i++) {
    const result = env.step(rng.int(0, 2));
    buffer.add(observation, i % 3, result.reward, result.observation, result.terminated, result.terminated);
    observation = result.terminated ? env.reset().observation : result.observation;
  }
  await assertNoGrowth(() => {
    for (let i = 0; i < 10; i++) {
      const batch = buffer.sample(16, rng, { beta: 0.5 });
      buffer.updatePriorities(batch.slots, learner.update(batch, DOT_SHAPE).tdErrors);
    }
    learner.syncTarget();
    learner.greedyAction(observation, DOT_SHAPE);
  }, 4, 'DQN update (prioritized replay) + target sync + acting');
  learner.dispose();
});

test('SIGINT stops training with a checkpoint that --resume can continue', async () => {
  const out = tempDir('dqn');
  const config = tinyDqnConfig({ totalSteps: 100_000, learningStarts: 100_000 });
  setTimeout(() => process.emit('SIGINT'), 300);
  const result = await trainDqn(config, out, { makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true });
  assert.equal(result.stoppedBy, 'interrupted');
  const { learner, state } = await loadDqnCheckpoint(out, config, 3);
  learner.dispose();
  assert.ok(state.step > 0 && state.step < 100_000);
  assert.equal(state.step, result.state.step);
});

test('a non-finite loss stops training with a one-line error and keeps the last good checkpoint', async () => {
  const out = tempDir('dqn');
  class PoisonedEnv extends DotEnv {
    private steps = 0;
    override step(action: number) {
      const result = super.step(action);
      return ++this.steps === 130 ? { ...result, reward: Number.NaN } : result;
    }
  }
  const config = tinyDqnConfig({ totalSteps: 1_000, learningStarts: 50, trainFrequency: 1, checkpointInterval: 100 });
  await assert.rejects(
    trainDqn(config, out, { makeEnv: () => new PoisonedEnv(), progress: quiet, skipFinal: true }),
    (error: unknown) => error instanceof UserError && /^dqn: loss became NaN at step \d+; stopped\. The last good checkpoint is in /.test(error.message),
  );
  const { learner, state } = await loadDqnCheckpoint(out, config, 3);
  learner.dispose();
  assert.equal(state.step, 100);
});

test('snapshots: a model folder of the online weights every snapshotInterval steps from snapshotStart on', async () => {
  const out = tempDir('dqn');
  const config = tinyDqnConfig({ totalSteps: 200, learningStarts: 50, snapshotInterval: 50, snapshotStart: 100 });
  await trainDqn(config, out, { makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true });
  const snapshots = join(out, 'snapshots');
  assert.deepEqual(readdirSync(snapshots).sort(), ['step-100', 'step-150', 'step-200']);
  const agent = JSON.parse(readFileSync(join(snapshots, 'step-150', 'agent.json'), 'utf8')) as { trainedSteps: number; weights: string; actionCount: number };
  assert.equal(agent.trainedSteps, 150);
  assert.equal(agent.weights, 'snapshot at step 150');
  assert.equal(agent.actionCount, 3);
  // The last snapshot is the checkpoint's online network; an earlier one is not (training went on).
  const { learner } = await loadDqnCheckpoint(out, config, 3);
  const x = tf.randomUniform([4, ...DOT_SHAPE], 0, 1, 'float32', 5);
  const q = async (dir: string): Promise<number[]> => {
    const model = await loadModel(join(snapshots, dir));
    const values = Array.from(tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync()));
    model.dispose();
    return values;
  };
  const online = Array.from(tf.tidy(() => (learner.online.predict(x) as tf.Tensor).dataSync()));
  learner.dispose();
  assert.deepEqual(await q('step-200'), online);
  assert.notDeepEqual(await q('step-100'), online);
  x.dispose();
});

test('a plain checkpoint resumed with quantiles starts each quantile at its Q-value; the model files hold the folded, plain Q-network', async () => {
  const out = tempDir('dqn');
  const plain = tinyDqnConfig({ totalSteps: 120, learningStarts: 48, trainFrequency: 4 });
  await trainDqn(plain, out, { makeEnv: () => new DotEnv(), progress: quiet, skipFinal: true });
  const x = tf.randomUniform([4, ...DOT_SHAPE], 0, 1, 'float32', 6);
  const before = await loadDqnCheckpoint(out, plain, 3);
  const q = Array.from(tf.tidy(() => (before.learner.online.predict(x) as tf.Tensor).dataSync()));
  before.learner.dispose();
  const quantile = { ...plain, quantiles: 4, totalSteps: 240 };
  const spread = await loadDqnCheckpoint(out, quantile, 3);
  assert.equal(spread.spread, true);
  const quantiles = tf.tidy(() => (tf.reshape(spread.learner.online.predict(x) as tf.Tensor, [4, 3, 4]).arraySync() as number[][][]));
  quantiles.forEach((row, i) => row.forEach((values, a) => values.forEach((value) => assert.ok(Math.abs(value - (q[i * 3 + a] as number)) < 1e-5, `sample ${i} action ${a}: quantile ${value} vs Q ${q[i * 3 + a]}`))));
  spread.learner.dispose();
  // Trained on as a quantile net, it checkpoints with 3 x 4 outputs and writes a 3-action model folder.
  await trainDqn(quantile, out, { makeEnv: () => new DotEnv(), progress: quiet, resume: true });
  const resumed = await loadDqnCheckpoint(out, quantile, 3);
  assert.equal(resumed.spread, false);
  assert.equal(resumed.learner.online.outputs[0]?.shape[1], 12);
  const policy = await loadPolicy(out);
  assert.equal(policy.actionCount, 3);
  const [saved, folded] = tf.tidy(() => [policy.logits(x as tf.Tensor4D).dataSync(), (resumed.learner.policyNetwork().predict(x) as tf.Tensor).dataSync()]);
  assert.deepEqual(Array.from(saved as Float32Array), Array.from(folded as Float32Array));
  resumed.learner.dispose();
  // A quantile checkpoint cannot be read with another count.
  await assert.rejects(loadDqnCheckpoint(out, { ...quantile, quantiles: 3 }, 3), /has 12 outputs, but 3 actions with quantiles 3 need 9/);
  x.dispose();
});
