import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { makeAttack, makeTiming, type AttackConfig } from '../../../../src/lab/adversary/fromConfig.ts';
import { fgsm } from '../../../../src/lab/adversary/fgsm.ts';
import { pgd } from '../../../../src/lab/adversary/pgd.ts';
import { randomNoise } from '../../../../src/lab/adversary/randomNoise.ts';
import { UserError } from '../../../../src/core/errors.ts';
import { Rng } from '../../../../src/core/rng.ts';
import { linearPolicy } from '../../../helpers/linearPolicy.ts';

before(async () => {
  await initBackend('cpu');
});

const rng = Rng.fromSeed(1);
const policy = linearPolicy(Array.from({ length: 8 }, () => [rng.normal(), rng.normal(), rng.normal()]), [2, 2, 2]);
const values = Array.from({ length: 8 }, () => rng.float());

function same(a: tf.Tensor, b: tf.Tensor): void {
  assert.deepEqual(a.dataSync(), b.dataSync());
  a.dispose();
  b.dispose();
}

test('makeAttack builds the attack the config names, with its options (pgd: 10 steps by default)', () => {
  const obs = tf.tensor4d(values, [1, 2, 2, 2]);
  const base = { eps: 0.05, norm: 'l2', scope: 'all', quantize: true } as const;
  same(makeAttack({ kind: 'fgsm', ...base, targetAction: 2 })(policy, obs, Rng.fromSeed(2)), fgsm(policy, obs, { ...base, targetAction: 2 }));
  same(makeAttack({ kind: 'pgd', ...base })(policy, obs, Rng.fromSeed(2)), pgd(policy, obs, { ...base, steps: 10 }));
  same(
    makeAttack({ kind: 'pgd', ...base, steps: 3, stepSize: 0.01, randomStart: true })(policy, obs, Rng.fromSeed(2)),
    pgd(policy, obs, { ...base, steps: 3, stepSize: 0.01, randomStart: true }, Rng.fromSeed(2)),
  );
  same(makeAttack({ kind: 'random', ...base })(policy, obs, Rng.fromSeed(2)), randomNoise(obs, base, Rng.fromSeed(2)));
  obs.dispose();
});

test('makeTiming maps each kind to its strategy', () => {
  assert.equal(makeTiming({ kind: 'every' }).name, 'every');
  assert.equal(makeTiming({ kind: 'everyN', n: 4 }).name, 'every4');
  assert.equal(makeTiming({ kind: 'strategic', beta: 0.3 }).name, 'strategic(0.3)');
  assert.equal(makeTiming({ kind: 'budget', fraction: 0.25, beta: 0.3 }).name, 'budget(0.25,0.3)');
});

test('bad attack configs fail when the attack is built, naming the field', () => {
  const cases: [AttackConfig, string][] = [
    [{ kind: 'fgsm', eps: -0.1, norm: 'linf' }, 'eps'],
    [{ kind: 'fgsm', eps: 0.1, norm: 'l7' as 'l2' }, 'norm'],
    [{ kind: 'pgd', eps: 0.1, norm: 'linf', steps: 2.5 }, 'steps'],
    [{ kind: 'pgd', eps: 0.1, norm: 'linf', stepSize: 0 }, 'stepSize'],
    [{ kind: 'cw' as 'fgsm', eps: 0.1, norm: 'linf' }, 'kind'],
  ];
  for (const [config, field] of cases) {
    assert.throws(() => makeAttack(config), (e: Error) => e instanceof UserError && e.message.includes(field) && !e.message.includes('\n'), field);
  }
  // targetAction depends on the policy, so it is checked when the attack runs
  const obs = tf.tensor4d(values, [1, 2, 2, 2]);
  assert.throws(() => makeAttack({ kind: 'fgsm', eps: 0.1, norm: 'linf', targetAction: 3 })(policy, obs, Rng.fromSeed(1)), /targetAction/);
  obs.dispose();
});
