import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { randomSearchAlgorithm } from '../../../agents/randomsearch/algorithm.ts';
import { parseRandomSearchConfig } from '../../../agents/randomsearch/config.ts';
import { RandomSearchTraining } from '../../../agents/randomsearch/training.ts';
import { findAlgorithm } from '../../../agents/registry/algorithms.ts';
import { runTraining } from '../../../agents/training/harness.ts';
import type { TrainingProgress } from '../../../agents/training/progress.ts';
import { FieldError } from '../../../src/core/errors.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { tempDir } from '../../helpers/tempDir.ts';

await initBackend('cpu');
const quiet: TrainingProgress = { update: () => undefined, log: () => undefined, stop: () => undefined };

test('registered under its name; strict config with defaults', () => {
  assert.equal(findAlgorithm('randomsearch'), randomSearchAlgorithm);
  assert.equal(parseRandomSearchConfig({}).sigma, 0.05);
  assert.throws(() => parseRandomSearchConfig({ sigmaa: 1 }), (e: unknown) => e instanceof FieldError && e.field === 'sigmaa');
});

test('a few steps through the harness write a model folder, leaking no tensors', async () => {
  const out = join(tempDir('randomsearch'), 'run');
  const before = tf.memory().numTensors;
  const result = await runTraining(new RandomSearchTraining(parseRandomSearchConfig({ totalSteps: 4, logInterval: 2, evalEpisodes: 1 })), out, { progress: quiet });
  assert.equal(result.step, 4);
  assert.equal(tf.memory().numTensors, before);
  for (const file of ['agent.json', 'training.csv', 'model.json', 'weights.bin', 'learning-curve.png']) assert.ok(existsSync(join(out, file)), file);
  assert.equal(JSON.parse(readFileSync(join(out, 'agent.json'), 'utf8')).algorithm, 'randomsearch');
  assert.deepEqual(readFileSync(join(out, 'training.csv'), 'utf8').trim().split('\n').map((line) => line.split(',')[0]), ['step', '2', '4']);
});
