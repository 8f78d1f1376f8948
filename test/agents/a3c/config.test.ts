import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveA3cConfig } from '../../../agents/a3c/config.ts';
import { UserError } from '../../../src/core/errors.ts';

test('defaults follow the paper: t_max 5, gamma 0.99, shared RMSProp 7e-4 / 0.99 / 0.1, beta 0.01', () => {
  const config = resolveA3cConfig({});
  assert.equal(config.tMax, 5);
  assert.equal(config.gamma, 0.99);
  assert.equal(config.learningRate, 7e-4);
  assert.equal(config.rmspropDecay, 0.99);
  assert.equal(config.rmspropEpsilon, 0.1);
  assert.equal(config.entropyBeta, 0.01);
  assert.equal(config.network, 'dqn2013');
  assert.equal(config.workers, undefined);
});

test('an unknown field is a one-line UserError that names it and lists the valid fields', () => {
  assert.throws(
    () => resolveA3cConfig({ tmax: 5 }, 'cfg.json'),
    (error: unknown) => error instanceof UserError && /^cfg\.json: tmax: unknown field; valid fields: .*tMax/.test(error.message) && !error.message.includes('\n'),
  );
});

test('a bad value is a UserError naming the field', () => {
  assert.throws(() => resolveA3cConfig({ gamma: 1.5 }), (error: unknown) => error instanceof UserError && error.message.startsWith('a3c config: gamma: '));
  assert.throws(() => resolveA3cConfig({ workers: 0 }), (error: unknown) => error instanceof UserError && error.message.includes('workers'));
  assert.throws(() => resolveA3cConfig({ network: 'resnet' }), (error: unknown) => error instanceof UserError && error.message.includes('network'));
});
