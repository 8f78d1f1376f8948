import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { Rng } from '../../../../src/core/rng.ts';
import { signNoise } from '../../../../src/lab/adversary/signNoise.ts';
import { makeAttack } from '../../../../src/lab/adversary/fromConfig.ts';
import { attackExperimentFromFlags } from '../../../../src/lab/commands/attackFlags.ts';
import { parseExperiment } from '../../../../src/lab/experiment/config.ts';
import { expandConditions } from '../../../../src/lab/experiment/conditions.ts';
import { linearPolicy } from '../../../helpers/linearPolicy.ts';

before(async () => {
  await initBackend('cpu');
});

const obs = (): tf.Tensor4D => tf.fill([1, 4, 4, 2], 0.5) as tf.Tensor4D;

test('every pixel of the newest frame moves by exactly eps, the others not at all; same rng, same result', () => {
  const x = obs();
  const a = signNoise(x, { eps: 0.1, norm: 'linf' }, Rng.fromSeed(1));
  const b = signNoise(x, { eps: 0.1, norm: 'linf' }, Rng.fromSeed(1));
  a.dataSync().forEach((v, i) => assert.ok(Math.abs(Math.abs(v - 0.5) - (i % 2 === 1 ? 0.1 : 0)) < 1e-6, `value ${i}`));
  assert.deepEqual(a.dataSync(), b.dataSync());
  tf.dispose([x, a, b]);
});

test('density changes only part of the scope; makeAttack, configs, labels and record flags reach it', () => {
  const x = obs();
  const attack = makeAttack({ kind: 'signNoise', eps: 0.1, norm: 'linf', scope: 'all', density: 0.5 });
  const y = attack(linearPolicy(Array.from({ length: 32 }, () => [1, -1]), [4, 4, 2]), x, Rng.fromSeed(2));
  const changed = y.dataSync().filter((v) => v !== 0.5).length;
  assert.ok(changed > 4 && changed < 28, `${changed} of 32 changed`);
  tf.dispose([x, y]);
  assert.throws(() => makeAttack({ kind: 'signNoise', eps: 0.1, norm: 'l2' }), /l-inf only/);
  const config = parseExperiment({ env: { id: 'Pong-v0' }, victim: 'v', conditions: [{ attack: 'signNoise', eps: [0.01], density: 0.5 }] });
  assert.deepEqual(expandConditions(config).map((c) => c.label), ['signNoise linf eps=0.01 density=0.5']);
  const flags = { attack: 'signNoise', eps: 0.01, norm: 'linf', density: 0.5 };
  assert.deepEqual(attackExperimentFromFlags(flags, { victim: 'v', env: { id: 'Pong-v0', options: {} } }).conditions, config.conditions);
  assert.throws(() => attackExperimentFromFlags({ ...flags, attack: 'fgsm' }, { victim: 'v', env: { id: 'Pong-v0', options: {} } }), { message: "--density: applies only to attack 'signNoise'" });
});
