/**
 * What every registered attack must do, whoever adds it: a strict options schema whose flags name
 * its own fields, and a builder whose attack is pure, stays in the budget and leaves no tensors.
 * An attack's own behaviour is tested in its own file (fgsm.test.ts, pgd.test.ts, ...).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { FieldError } from '../../../../src/core/errors.ts';
import { Rng } from '../../../../src/core/rng.ts';
import { budgetFlags, budgetShape } from '../../../../src/lab/adversary/attackEntry.ts';
import { attackEntry, attacks } from '../../../../src/lab/adversary/registry.ts';
import { linearPolicy } from '../../../helpers/linearPolicy.ts';

before(async () => {
  await initBackend('cpu');
});

const rng = Rng.fromSeed(3);
const policy = linearPolicy(Array.from({ length: 16 }, () => [rng.normal(), rng.normal(), rng.normal()]), [2, 2, 4]);
const values = Array.from({ length: 32 }, () => rng.float());

test('kinds are unique, and each names its flags after fields of its own options', () => {
  assert.equal(new Set(attacks.map((entry) => entry.kind)).size, attacks.length);
  for (const entry of attacks) {
    assert.ok((entry.kind as string) !== 'none' && /^[a-z][A-Za-z0-9]*$/.test(entry.kind), `${entry.kind}: not 'none' (the clean condition), one word`);
    assert.ok(entry.description.length > 0 && !entry.description.includes('\n'), `${entry.kind}: one-line description`);
    for (const field of Object.keys(budgetShape)) assert.ok(field in entry.options.shape, `${entry.kind}: budget field ${field}`);
    for (const flag of [...budgetFlags, ...entry.flags]) assert.ok(flag.field in entry.options.shape, `${entry.kind}: --${flag.name} sets ${flag.field}`);
  }
});

test('options are strict: an unknown field is a FieldError naming it', () => {
  for (const entry of attacks) {
    assert.throws(() => entry.make({ eps: 0.1, epsilon: 1 }, 'cfg'), (e: unknown) => e instanceof FieldError && e.field === 'epsilon', entry.kind);
    assert.throws(() => entry.make({ eps: -1 }, 'cfg'), (e: unknown) => e instanceof FieldError && e.field === 'eps', entry.kind);
  }
  assert.throws(() => attackEntry('cw'), (e: unknown) => e instanceof FieldError && e.field === 'kind' && /got 'cw'/.test(e.reason));
});

test('with only eps given, every attack stays in the l-inf budget on the newest frame, in [0,1], leaking nothing', () => {
  const obs = tf.tensor4d(values, [2, 2, 2, 4]);
  for (const entry of attacks) {
    const attack = entry.make({ eps: 0.05 }, 'cfg');
    const tensorsBefore = tf.memory().numTensors;
    const perturbed = attack(policy, obs, Rng.fromSeed(1));
    assert.equal(tf.memory().numTensors, tensorsBefore + 1, `${entry.kind}: only its result is left`);
    const [clean, seen] = [obs.dataSync(), perturbed.dataSync()];
    assert.deepEqual(perturbed.shape, obs.shape);
    seen.forEach((v, i) => {
      const delta = Math.abs(v - (clean[i] as number));
      assert.ok(v >= 0 && v <= 1 && delta <= 0.05 + 1e-6, `${entry.kind}: value ${i}`);
      if (i % 4 !== 3) assert.equal(delta, 0, `${entry.kind}: only the newest frame changes`);
    });
    const again = attack(policy, obs, Rng.fromSeed(1));
    assert.deepEqual(again.dataSync(), seen, `${entry.kind}: same inputs and rng, same result`);
    perturbed.dispose();
    again.dispose();
    assert.equal(entry.labelOf({ eps: 0.05 }), '', `${entry.kind}: no label part without options of its own`);
  }
  obs.dispose();
});
