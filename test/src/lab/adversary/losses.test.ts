/**
 * The adaptive losses (losses.ts): the margin's and the tempered cross-entropy's input gradients
 * against tf.grad of the same loss written with tfjs ops through policy.logits, on the fused path
 * (LayersPolicy.inputGradient) and the tf.grad path; and the option plumbing of FGSM/PGD.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { attackLoss, lossAndDirection } from '../../../../src/lab/adversary/gradient.ts';
import { LayersPolicy } from '../../../../agents/layersPolicy.ts';
import type { Policy } from '../../../../agents/policy.ts';
import { fgsmAttack } from '../../../../src/lab/adversary/fgsm.ts';
import { pgdAttack } from '../../../../src/lab/adversary/pgd.ts';
import { FieldError } from '../../../../src/core/errors.ts';
import { parseExperiment } from '../../../../src/lab/experiment/config.ts';
import { assertNoLeakSync } from '../../../helpers/leakCheck.ts';

before(async () => {
  await initBackend('cpu');
});

function smallNet(): LayersPolicy {
  return new LayersPolicy(
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [6, 6, 3], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotNormal({ seed: 7 }) }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 5, kernelInitializer: tfl.initializers.glorotNormal({ seed: 8 }) }),
      ],
    }),
  );
}

function taped(policy: LayersPolicy): Policy {
  return { actionCount: policy.actionCount, inputShape: policy.inputShape, logits: (obs) => policy.logits(obs), act: (obs) => policy.act(obs) };
}

/** Reference margin with tfjs ops: max over a != label of z_a minus z_label, per row, times sign. */
function referenceMargin(z: tf.Tensor2D, labels: number[], sign: number): tf.Tensor1D {
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), z.shape[1]);
  const own = tf.sum(tf.mul(z, oneHot), 1);
  const others = tf.max(tf.sub(z, tf.mul(oneHot, 1e9)), 1);
  return tf.mul(tf.sub(others, own), sign) as tf.Tensor1D;
}

function maxAbs(a: Float32Array | number[]): number {
  return Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

test('the margin loss input gradient equals tf.grad through policy.logits (fused and taped paths, own, fixed and target labels)', () => {
  const fused = smallNet();
  assert.ok(fused.inputGradient !== undefined, 'the net takes the fused path');
  const obs = tf.randomUniform([4, 6, 6, 3], 0, 1, 'float32', 31) as tf.Tensor4D;
  const margin = { loss: 'margin', temperature: 1 } as const;
  tf.tidy(() => {
    const own = Array.from(tf.argMax(fused.logits(obs), 1).dataSync());
    const fixed = [1, 4, 0, 2];
    const cases: [string, number | undefined, tf.Tensor1D | undefined, number[], number][] = [
      ['own', undefined, undefined, own, 1],
      ['fixed', undefined, tf.tensor1d(fixed, 'int32'), fixed, 1],
      ['target', 3, undefined, [3, 3, 3, 3], -1],
    ];
    for (const [what, target, awayFrom, labels, sign] of cases) {
      const expected = tf.grad((x: tf.Tensor) => tf.sum(referenceMargin(fused.logits(x as tf.Tensor4D), labels, sign)))(obs).dataSync() as Float32Array;
      const expectedLoss = referenceMargin(fused.logits(obs), labels, sign).dataSync() as Float32Array;
      assert.ok(maxAbs(expected) > 1e-3, `${what}: a non-trivial gradient`);
      for (const [path, policy] of [['fused', fused], ['taped', taped(fused)]] as const) {
        const { loss, direction } = lossAndDirection(policy, obs, target, awayFrom, margin);
        const diff = (direction.dataSync() as Float32Array).map((v, i) => v - (expected[i] as number));
        assert.ok(maxAbs(diff) < 1e-5 * maxAbs(expected), `${what} ${path}: gradient off by ${maxAbs(diff)}`);
        const lossDiff = (loss.dataSync() as Float32Array).map((v, i) => v - (expectedLoss[i] as number));
        assert.ok(maxAbs(lossDiff) < 1e-5, `${what} ${path}: loss`);
        const forward = attackLoss(policy, obs, target, awayFrom, margin).dataSync() as Float32Array;
        assert.ok(maxAbs(forward.map((v, i) => v - (expectedLoss[i] as number))) < 1e-5, `${what} ${path}: forward-only loss`);
      }
    }
  });
  assertNoLeakSync(() => tf.dispose(Object.values(lossAndDirection(fused, obs, undefined, undefined, margin))), 'margin lossAndDirection');
  obs.dispose();
  fused.model.dispose();
});

test('the ce loss at temperature T equals tf.grad of softmaxCrossEntropy(z / T); T = 1 is bit-identical to the default', () => {
  const fused = smallNet();
  const obs = tf.randomUniform([3, 6, 6, 3], 0, 1, 'float32', 32) as tf.Tensor4D;
  tf.tidy(() => {
    const own = tf.oneHot(tf.argMax(fused.logits(obs), 1) as tf.Tensor1D, fused.actionCount);
    const reference = tf.grad((x: tf.Tensor) => tf.losses.softmaxCrossEntropy(own, tf.div(fused.logits(x as tf.Tensor4D), 10), undefined, undefined, tf.Reduction.SUM))(obs).dataSync() as Float32Array;
    for (const policy of [fused, taped(fused)]) {
      const hot = lossAndDirection(policy, obs, undefined, undefined, { loss: 'ce', temperature: 10 }).direction.dataSync() as Float32Array;
      assert.ok(maxAbs(hot.map((v, i) => v - (reference[i] as number))) < 1e-5 * maxAbs(reference) + 1e-9, 'T = 10');
      const plain = lossAndDirection(policy, obs).direction.dataSync();
      const one = lossAndDirection(policy, obs, undefined, undefined, { loss: 'ce', temperature: 1 }).direction.dataSync();
      assert.deepEqual(one, plain, 'T = 1 is the default loss, bit for bit');
    }
  });
  obs.dispose();
  fused.model.dispose();
});

test('loss options: absent or default they add nothing to a label; margin, T and restarts label themselves; temperature needs ce', () => {
  assert.equal(fgsmAttack.labelOf({ eps: 0.1 }), '');
  assert.equal(fgsmAttack.labelOf({ eps: 0.1, loss: 'ce', temperature: 1 }), '');
  assert.equal(fgsmAttack.labelOf({ eps: 0.1, loss: 'margin' }), ' margin');
  assert.equal(fgsmAttack.labelOf({ eps: 0.1, temperature: 20 }), ' T=20');
  assert.equal(pgdAttack.labelOf({ eps: 0.1, steps: 10 }), ' k=10');
  assert.equal(pgdAttack.labelOf({ eps: 0.1, steps: 10, restarts: 3, loss: 'margin' }), ' k=10 restarts=3 margin');
  assert.equal(pgdAttack.labelOf({ eps: 0.1, restarts: 1 }), '');
  assert.throws(() => fgsmAttack.make({ eps: 0.1, loss: 'margin', temperature: 5 }, 'cfg'), (e: unknown) => e instanceof FieldError && e.field === 'temperature' && e.message.startsWith('cfg: '));
  const config = (condition: object): unknown => ({ env: { id: 'Pong-v0' }, victim: 'm', conditions: [condition] });
  assert.throws(
    () => parseExperiment(config({ attack: 'pgd', eps: [0.1], loss: 'margin', temperature: 5 }), 'x.json'),
    (e: unknown) => e instanceof FieldError && e.message === "x.json: conditions[0].temperature: applies only to loss 'ce' (the margin does not depend on it)",
  );
  assert.throws(() => parseExperiment(config({ attack: 'fgsm', eps: [0.1], loss: 'hinge' }), 'x.json'), (e: unknown) => e instanceof FieldError && e.field === 'conditions[0].loss');
  // a config without the new options parses to exactly the keys it had before they existed
  const parsed = parseExperiment(config({ attack: 'pgd', eps: [0.1] }), 'x.json');
  assert.deepEqual(Object.keys(parsed.conditions[0] ?? {}), ['attack', 'eps', 'norm', 'scope', 'quantize', 'timing', 'threat']);
});
