import assert from 'node:assert/strict';
import { test } from 'node:test';
import { epsilonAt, learningRateAt, parseDqnConfig, priorityBetaAt } from '../../../agents/dqn/config.ts';
import { UserError } from '../../../src/core/errors.ts';
import { readJsonObject } from '../../../src/core/files/readJsonObject.ts';

const rejects = (input: unknown, pattern: RegExp): void => {
  assert.throws(
    () => parseDqnConfig(input, 'pong.json'),
    (error: unknown) => error instanceof UserError && pattern.test(error.message) && !error.message.includes('\n'),
  );
};

test('defaults are complete and valid', () => {
  const config = parseDqnConfig({});
  assert.equal(config.env, 'Pong-v0');
  assert.equal(config.bufferSize, 100_000);
  assert.equal(config.doubleDqn, true);
});

test('bad values are one-line UserErrors naming the file and field', () => {
  rejects({ learningRate: -1 }, /pong\.json: learningRate: /);
  rejects({ batchSize: 2.5 }, /: batchSize: /);
  rejects({ gamma: 1.5 }, /: gamma: /);
  rejects({ doubleDqn: 'yes' }, /: doubleDqn: /);
  rejects({ architecture: 'resnet' }, /: architecture: /);
  rejects({ learningRateEnd: -1e-5 }, /: learningRateEnd: /);
  rejects({ learningRateDecayStart: 1.5 }, /: learningRateDecayStart: /);
  rejects({ prioritizedReplay: 1 }, /: prioritizedReplay: /);
  rejects({ priorityAlpha: 1.5 }, /: priorityAlpha: /);
  rejects({ priorityBetaStart: -0.1 }, /: priorityBetaStart: /);
  rejects({ priorityEpsilon: 0 }, /: priorityEpsilon: /);
  rejects({ advantageLearningAlpha: 1 }, /: advantageLearningAlpha: /);
  rejects({ advantageLearningAlpha: -0.1 }, /: advantageLearningAlpha: /);
  rejects({ quantiles: -1 }, /: quantiles: /);
  rejects({ quantiles: 2.5 }, /: quantiles: /);
});

test('unknown fields are rejected with the valid ones listed (typos do not pass silently)', () => {
  rejects({ learningrate: 1e-3 }, /learningrate: unknown field; valid fields: .*learningRate/);
});

test('epsilon decays linearly, then stays at its end value', () => {
  const config = parseDqnConfig({ epsilonStart: 1, epsilonEnd: 0.1, epsilonDecaySteps: 100 });
  assert.equal(epsilonAt(config, 0), 1);
  assert.ok(Math.abs(epsilonAt(config, 50) - 0.55) < 1e-12);
  assert.ok(Math.abs(epsilonAt(config, 100) - 0.1) < 1e-12);
  assert.equal(epsilonAt(config, 10_000), epsilonAt(config, 100));
});

test('the learning rate stays constant by default, or anneals linearly from the decay start to its end value', () => {
  assert.equal(learningRateAt(parseDqnConfig({ learningRate: 1e-4, totalSteps: 1_000 }), 900), 1e-4);
  const config = parseDqnConfig({ learningRate: 1e-4, learningRateEnd: 2e-5, learningRateDecayStart: 200, totalSteps: 1_000 });
  assert.equal(learningRateAt(config, 0), 1e-4);
  assert.equal(learningRateAt(config, 200), 1e-4);
  assert.ok(Math.abs(learningRateAt(config, 600) - 6e-5) < 1e-15);
  assert.ok(Math.abs(learningRateAt(config, 1_000) - 2e-5) < 1e-15);
  assert.ok(Math.abs(learningRateAt(config, 5_000) - 2e-5) < 1e-15);
  // A decay start at or past the end never anneals (no division by zero).
  assert.equal(learningRateAt({ ...config, learningRateDecayStart: 1_000 }, 1_000), 1e-4);
});

test('prioritized replay\'s beta rises linearly from priorityBetaStart at step 0 to 1 at totalSteps, then stays', () => {
  const config = parseDqnConfig({ priorityBetaStart: 0.4, totalSteps: 1_000 });
  assert.equal(priorityBetaAt(config, 0), 0.4);
  assert.ok(Math.abs(priorityBetaAt(config, 500) - 0.7) < 1e-12);
  assert.equal(priorityBetaAt(config, 1_000), 1);
  assert.equal(priorityBetaAt(config, 3_000), 1);
});

test('the pong-qr preset resolves to the config models/pong-dqn was trained with', () => {
  assert.deepEqual(
    parseDqnConfig(readJsonObject('agents/dqn/presets/pong-qr.json', 'the config file'), 'pong-qr.json'),
    parseDqnConfig(readJsonObject('models/pong-dqn/config.json', 'the config file'), 'models/pong-dqn/config.json'),
  );
});
