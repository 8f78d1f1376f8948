/** Behaviour cloning from any teacher: a tiny hand-built policy / label oracle labels the data. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { parseBcConfig } from '../../../agents/bc/config.ts';
import { policyTeacher } from '../../../agents/bc/teacher.ts';
import { trainBehaviourCloning } from '../../../agents/bc/train.ts';
import type { TrainingProgress } from '../../../agents/training/progress.ts';
import { FieldError } from '../../../src/core/errors.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { tempDir } from '../../helpers/tempDir.ts';
import { DOT_SHAPE, DotEnv } from '../dqn/dotEnv.ts';

await initBackend('wasm');
const quiet: TrainingProgress = { update: () => undefined, log: () => undefined, stop: () => undefined };

test('a label oracle teaches behaviour cloning; agent.json names the teacher, training.csv has its rows', async () => {
  let calls = 0;
  // Always action 2: a student that learned anything predicts it.
  const oracle = (obs: tf.Tensor4D): number[] => {
    calls++;
    return Array.from({ length: obs.shape[0] }, () => 2);
  };
  const out = tempDir('bc');
  const config = parseBcConfig({ env: 'Dot-v0', samples: 64, totalSteps: 40, batchSize: 8, learningRate: 1e-3, evalEpisodes: 2, logInterval: 20 });
  const before = tf.memory().numTensors;
  const result = await trainBehaviourCloning(config, out, { teacher: oracle, makeEnv: () => new DotEnv(), progress: quiet });
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  assert.equal(calls, 64, 'one label per collected observation');
  assert.equal(result.stoppedBy, 'done');
  const agent = JSON.parse(readFileSync(join(out, 'agent.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(agent['algorithm'], 'bc');
  assert.equal(agent['teacher'], 'label oracle (library caller)');
  assert.equal((agent['randomBaseline'] as { episodes: number }).episodes, 2);
  const rows = readFileSync(join(out, 'training.csv'), 'utf8').trim().split('\n');
  assert.equal(rows[0], 'step,loss,batchAccuracy,wallSeconds');
  assert.deepEqual(rows.slice(1).map((r) => r.split(',')[0]), ['20', '40']);
});

test('a Policy as teacher labels one observation at a time with its greedy action', () => {
  const policy = { actionCount: 3, inputShape: DOT_SHAPE, logits: (obs: tf.Tensor4D) => tf.tidy(() => tf.tile(tf.tensor2d([[0, 0, 1]]), [obs.shape[0], 1]) as tf.Tensor2D), act: (obs: tf.Tensor4D) => Array.from({ length: obs.shape[0] }, () => 2) };
  const teach = policyTeacher(policy, DOT_SHAPE);
  assert.equal(teach(new DotEnv().reset({ seed: 0 }).observation, {}), 2);
});

test('the BC schema is strict: unknown fields are named', () => {
  assert.throws(() => parseBcConfig({ trainSteps: 5 }), (error: unknown) => error instanceof FieldError && error.field === 'trainSteps' && /unknown field/.test(error.reason));
});
