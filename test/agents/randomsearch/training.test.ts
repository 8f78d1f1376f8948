import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { parseRandomSearchConfig } from '../../../agents/randomsearch/config.ts';
import { RandomSearchTraining } from '../../../agents/randomsearch/training.ts';
import { runTraining } from '../../../agents/training/harness.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { tempDir } from '../../helpers/tempDir.ts';
import { DotEnv } from '../dqn/dotEnv.ts';

await initBackend('wasm');
const quiet = { update: () => undefined, log: () => undefined, stop: () => undefined };

test('random search writes a model folder through the harness and leaves no tensors', async () => {
  const out = tempDir('randomsearch');
  const before = tf.memory().numTensors;
  const config = parseRandomSearchConfig({ env: 'Dot-v0', totalSteps: 10, evalEpisodes: 2 });
  const result = await runTraining(new RandomSearchTraining(config, { makeEnv: () => new DotEnv() }), out, { progress: quiet });
  assert.equal(result.stoppedBy, 'done');
  assert.equal(tf.memory().numTensors, before);
  const agent = JSON.parse(readFileSync(join(out, 'agent.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(agent['algorithm'], 'randomsearch');
  assert.equal(agent['sigma'], 0.05);
  assert.equal(readFileSync(join(out, 'training.csv'), 'utf8').trim().split('\n').length, 3);
});
