import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { resolveA3cConfig } from '../../../agents/a3c/config.ts';
import { A3cWorkerError, buildInitialModel, runA3c, type A3cRunOptions } from '../../../agents/a3c/run.ts';
import { writeFlatWeights } from '../../../agents/a3c/sharedParams.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { assertNoLeak } from '../../helpers/leakCheck.ts';
import { TINY_ENVS_MODULE, TINY_INPUT_SHAPE } from './tinyEnvs.ts';

before(async () => {
  await initBackend('cpu');
});

/** A run on the tiny test envs (2 actions); each test states its workers and timeouts. */
const runTiny = (options: Pick<A3cRunOptions, 'config' | 'workers'> & Partial<A3cRunOptions>) =>
  runA3c({ inputShape: TINY_INPUT_SHAPE, actionCount: 2, envModule: TINY_ENVS_MODULE, ...options });

test('two asynchronous workers learn the contextual bandit, without leaking tensors in any thread', async () => {
  const config = resolveA3cConfig({ env: 'Contextual-v0', network: 'mlp', backend: 'cpu', totalSteps: 1500, learningRate: 0.01, annealLearningRate: false, seed: 3 });
  const tensorCounts = new Map<number, Set<number>>();
  const reported = { steps: 0, updates: 0 };
  const result = await assertNoLeak(
    () =>
      runTiny({
        config,
        workers: 2,
        statsEveryUpdates: 100,
        stallTimeoutMs: 60_000,
        onStats: (stats) => {
          const seen = tensorCounts.get(stats.index) ?? new Set<number>();
          seen.add(stats.tensors);
          tensorCounts.set(stats.index, seen);
          reported.steps += stats.steps;
          reported.updates += stats.updates;
        },
      }),
    'runA3c (main thread)',
  );
  assert.ok(result.steps >= 1500, `ran ${result.steps} steps`);
  assert.equal(result.backends.length, 2);
  // Both workers applied updates, and with two of them some updates are stale.
  assert.ok(result.updates >= 1500);
  assert.ok(result.meanStaleness > 0, `mean staleness ${result.meanStaleness}`);
  // Each worker reported stats (at the latest when it finished), always with the same number of
  // live tensors, and the reports together account for every step and update of the run.
  assert.equal(tensorCounts.size, 2);
  assert.deepEqual(reported, { steps: result.steps, updates: result.updates });
  for (const [worker, counts] of tensorCounts) assert.equal(counts.size, 1, `worker ${worker} tensor counts ${[...counts].join(', ')}`);

  const model = buildInitialModel({ config, inputShape: TINY_INPUT_SHAPE, actionCount: 2 });
  writeFlatWeights(model, result.weights);
  const probabilities = tf.tidy(() => tf.softmax((model.predict(tf.tensor4d([1, 0, 0, 1], [2, 1, 1, 2])) as tf.Tensor[])[0] as tf.Tensor2D).arraySync() as number[][]);
  model.dispose();
  // Action = context pays +1, the other -1: the learned policy picks the right one almost surely.
  assert.ok((probabilities[0]?.[0] ?? 0) > 0.9, `p(a=0 | c=0) = ${probabilities[0]?.[0]}`);
  assert.ok((probabilities[1]?.[1] ?? 0) > 0.9, `p(a=1 | c=1) = ${probabilities[1]?.[1]}`);
});

test('a worker that throws fails the run with its index and message, and the other worker stops', async () => {
  const config = resolveA3cConfig({ env: 'Crash-v0', envOptions: { crashWorker: 1, crashAtStep: 30 }, network: 'mlp', backend: 'cpu', totalSteps: 1_000_000_000 });
  const started = performance.now();
  await assert.rejects(
    runTiny({ config, workers: 2, stallTimeoutMs: 30_000, stopGraceMs: 2_000 }),
    (error: unknown) => {
      assert.ok(error instanceof A3cWorkerError, String(error));
      assert.equal(error.workerIndex, 1);
      assert.match(error.message, /worker 1 failed: .*injected crash at step 30/);
      return true;
    },
  );
  // With a step budget of 1e9 the healthy worker only ends because it was stopped.
  // Settling at all shows both threads ended; well under the stall timeout shows nothing waited on it.
  assert.ok(performance.now() - started < 30_000);
});

test('a run whose workers hang is stopped by the watchdog and its threads terminated', async () => {
  const config = resolveA3cConfig({ env: 'Hang-v0', envOptions: { hangAtStep: 10 }, network: 'mlp', backend: 'cpu', totalSteps: 1_000_000 });
  const started = performance.now();
  await assert.rejects(
    runTiny({ config, workers: 2, stallTimeoutMs: 2_000, stopGraceMs: 500 }),
    (error: unknown) => {
      assert.ok(error instanceof A3cWorkerError, String(error));
      assert.equal(error.workerIndex, undefined);
      assert.match(error.message, /no worker message and no env step for 2 s/);
      return true;
    },
  );
  // The spinning threads were terminated, or the promise would never have settled.
  assert.ok(performance.now() - started < 20_000);
});

test('a non-finite loss stops the run with the worker and step named', async () => {
  const config = resolveA3cConfig({ env: 'NaN-v0', envOptions: { nanAtStep: 15 }, network: 'mlp', backend: 'cpu', totalSteps: 1_000_000 });
  await assert.rejects(
    runTiny({ config, workers: 1, stallTimeoutMs: 30_000 }),
    (error: unknown) => {
      assert.ok(error instanceof A3cWorkerError, String(error));
      assert.equal(error.workerIndex, 0);
      assert.match(error.message, /worker 0 failed: non-finite loss NaN.* at step 1[0-9]$/);
      return true;
    },
  );
});
