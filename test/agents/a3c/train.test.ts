import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadCheckpoint } from '../../../agents/a3c/checkpoint.ts';
import { resolveA3cConfig, type A3cConfigInput } from '../../../agents/a3c/config.ts';
import { trainA3c, type TrainA3cOptions } from '../../../agents/a3c/train.ts';
import { loadPolicy } from '../../../agents/loadPolicy.ts';
import { UserError } from '../../../src/core/errors.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { assertNoLeak } from '../../helpers/leakCheck.ts';
import { TINY_ENVS_MODULE } from './tinyEnvs.ts';

const root = mkdtempSync(join(tmpdir(), 'advgym-a3c-train-'));
const quiet = (): void => {};

before(async () => {
  await initBackend('cpu');
});
after(() => rmSync(root, { recursive: true, force: true }));

const tiny = (overrides: A3cConfigInput = {}) =>
  resolveA3cConfig({ env: 'Contextual-v0', network: 'mlp', backend: 'cpu', learningRate: 0.01, annealLearningRate: false, workers: 2, evalEpisodes: 20, logEverySteps: 200, checkpointEverySteps: 100_000, ...overrides });
const options = (outDir: string, extra: Partial<TrainA3cOptions> = {}): TrainA3cOptions => ({ outDir, log: quiet, envModule: TINY_ENVS_MODULE, stallTimeoutSeconds: 60, ...extra });

test('train writes a model folder that loadPolicy reads (policy logits first), then resumes where it stopped', async () => {
  const dir = join(root, 'bandit');
  const first = await assertNoLeak(() => trainA3c(tiny({ totalSteps: 1200 }), options(dir)), 'trainA3c (main thread)');
  assert.ok(first.globalSteps >= 1200);
  // Action = context pays +1, the other -1: greedy play of the trained policy beats random play (0).
  assert.ok((first.evaluation?.meanReturn ?? 0) > 0.8, `greedy mean return ${first.evaluation?.meanReturn}`);

  const agent = JSON.parse(readFileSync(join(dir, 'agent.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(agent['algorithm'], 'a3c');
  assert.equal(agent['backend'], 'cpu', 'the backend the workers ran on is recorded');
  assert.equal(agent['actionCount'], 2);
  assert.equal(agent['trainedSteps'], first.globalSteps);
  assert.ok(typeof (agent['randomBaseline'] as { meanReturn?: unknown }).meanReturn === 'number');
  const policy = await loadPolicy(dir);
  const picks = tf.tidy(() => policy.act(tf.tensor4d([1, 0, 0, 1], [2, 1, 1, 2])));
  assert.deepEqual(picks, [0, 1]);
  const csv = readFileSync(join(dir, 'training.csv'), 'utf8').trim().split('\n');
  assert.match(csv[0] ?? '', /^step,wallSeconds,stepsPerSecond,episodes,recentMeanReturn/);
  // Rows come from a once-a-second tick and one at the end; this run can be shorter than a tick.
  const rows = csv.slice(1).map((line) => Number(line.split(',')[0]));
  assert.ok(rows.length >= 1 && rows.at(-1) === first.globalSteps, `training rows end at the final step: ${rows.join(' ')}`);
  assert.deepEqual(rows, [...rows].sort((a, b) => a - b), 'rows in step order');
  assert.ok(readFileSync(join(dir, 'learning-curve.png')).subarray(1, 4).toString() === 'PNG');

  await assertNoLeak(async () => {
    await assert.rejects(trainA3c(tiny({ totalSteps: 2400 }), options(dir)), (error: Error) => error instanceof UserError && /continue its run with `resume`/.test(error.message));
    await assert.rejects(trainA3c(tiny({ totalSteps: 1000 }), options(dir, { resume: true })), (error: Error) => error instanceof UserError && /already trained/.test(error.message));
    await assert.rejects(trainA3c(tiny({ totalSteps: 5000, network: 'dqn2013' }), options(dir, { resume: true })), (error: Error) => error instanceof UserError && /network mlp/.test(error.message));
  }, 'refused resumes');

  const episodesBefore = first.episodes;
  const second = await trainA3c(tiny({ totalSteps: 2000 }), options(dir, { resume: true }));
  assert.ok(second.globalSteps >= 2000);
  assert.ok(second.stepsThisRun <= second.globalSteps - first.globalSteps + 10, 'the resumed run only adds the missing steps');
  assert.ok(second.episodes > episodesBefore, 'episode log continues');
  const { state, log } = await loadCheckpoint(dir);
  assert.equal(state.globalSteps, second.globalSteps);
  assert.equal(state.segments, 2);
  assert.equal(log.episodes.length, second.episodes);
});

test('a worker crash stops training, names the worker, and leaves the last checkpoint as it was', async () => {
  const dir = join(root, 'crash');
  // First run: the crash is armed for a worker index that does not exist, so it completes.
  await trainA3c(tiny({ env: 'Crash-v0', envOptions: { crashWorker: 9 }, totalSteps: 300, evalEpisodes: 0 }), options(dir));
  const weights = readFileSync(join(dir, 'weights.bin'));
  const stateFile = readFileSync(join(dir, 'a3c-state.json'), 'utf8');
  const started = performance.now();
  await assert.rejects(
    trainA3c(tiny({ env: 'Crash-v0', envOptions: { crashWorker: 1, crashAtStep: 50 }, totalSteps: 1_000_000, checkpointEverySteps: 1_000_000 }), options(dir, { resume: true })),
    (error: Error) => /worker 1/.test(error.message) && /injected crash/.test(error.message),
  );
  assert.ok(performance.now() - started < 30_000, 'the other worker stopped promptly');
  assert.deepEqual(readFileSync(join(dir, 'weights.bin')), weights);
  assert.equal(readFileSync(join(dir, 'a3c-state.json'), 'utf8'), stateFile);
});

test('a NaN loss stops training with a one-line reason and writes nothing', async () => {
  const dir = join(root, 'nan');
  await assert.rejects(
    trainA3c(tiny({ env: 'NaN-v0', envOptions: { nanAtStep: 40 }, totalSteps: 1_000_000 }), options(dir)),
    (error: Error) => /non-finite/.test(error.message) && !error.message.includes('\n'),
  );
  assert.throws(() => readFileSync(join(dir, 'a3c-state.json')), /ENOENT/);
});
