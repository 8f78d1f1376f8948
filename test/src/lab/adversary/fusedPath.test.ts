/**
 * Attacks on a LayersPolicy take its fused input gradient (agents/chainGradient.ts); a policy
 * without one takes tf.grad through logits(). The two must give the same attacks: FGSM in every
 * norm, targeted and untargeted, and PGD with its per-step labels and best-iterate rule, on the
 * 2013 DQN net at 42x42x4, batch 1 and 3, on cpu and wasm. Losses are compared to 1e-6 and
 * attacked observations exactly (on these seeded draws the two gradients are bit-identical).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { buildQNetwork } from '../../../../agents/networks.ts';
import { LayersPolicy } from '../../../../agents/layersPolicy.ts';
import type { Policy } from '../../../../agents/policy.ts';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { fgsm } from '../../../../src/lab/adversary/fgsm.ts';
import { pgd } from '../../../../src/lab/adversary/pgd.ts';
import { lossAndDirection } from '../../../../src/lab/adversary/gradient.ts';
import { Rng } from '../../../../src/core/rng.ts';
import { assertNoGrowth } from '../../../helpers/leakCheck.ts';
import { assertClose } from '../../core/tensor/kernels/compare.ts';

const SHAPE = [42, 42, 4] as const;

/** The same network seen through the bare Policy interface: attacks fall back to tf.grad. */
function withoutFusedGradient(policy: LayersPolicy): Policy {
  return { actionCount: policy.actionCount, inputShape: policy.inputShape, logits: (obs) => policy.logits(obs), act: (obs) => policy.act(obs) };
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`FGSM and PGD through the fused gradient equal the tf.grad path (${backend})`, async () => {
    await initBackend(backend);
    const fused = new LayersPolicy(buildQNetwork(SHAPE, 6, 12));
    assert.ok(fused.inputGradient !== undefined, 'the DQN net takes the fused path');
    const taped = withoutFusedGradient(fused);
    for (const batch of [1, 3]) {
      const obs = tf.randomUniform([batch, ...SHAPE], 0, 1, 'float32', 13 + batch) as tf.Tensor4D;
      const compare = (what: string, attack: (policy: Policy) => tf.Tensor): void => {
        const [a, b] = tf.tidy(() => [attack(fused).dataSync(), attack(taped).dataSync()]);
        assert.deepEqual(a, b, `${backend} batch ${batch}: ${what}`);
      };
      for (const targetAction of [undefined, 4]) {
        const target = targetAction === undefined ? {} : { targetAction };
        tf.tidy(() => {
          const a = lossAndDirection(fused, obs, targetAction);
          const b = lossAndDirection(taped, obs, targetAction);
          assertClose(a.loss.dataSync() as Float32Array, b.loss.dataSync() as Float32Array, `${backend} batch ${batch} loss`, 1e-6);
          const expected = b.direction.dataSync() as Float32Array;
          const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
          const relative = (x: Float32Array): Float32Array => x.map((v) => v / scale);
          assertClose(relative(a.direction.dataSync() as Float32Array), relative(expected), `${backend} batch ${batch} direction`, 1e-5);
        });
        compare(`fgsm linf ${targetAction ?? ''}`, (p) => fgsm(p, obs, { eps: 2 / 255, norm: 'linf', scope: 'all', ...target }));
        compare(`fgsm l2 ${targetAction ?? ''}`, (p) => fgsm(p, obs, { eps: 0.5, norm: 'l2', ...target }));
        compare(`fgsm l1 ${targetAction ?? ''}`, (p) => fgsm(p, obs, { eps: 2, norm: 'l1', ...target }));
      }
      compare('pgd-5 linf, random start', (p) => pgd(p, obs, { eps: 4 / 255, norm: 'linf', steps: 5, randomStart: true }, Rng.fromSeed(3)));
      compare('pgd-3 l2 targeted', (p) => pgd(p, obs, { eps: 0.5, norm: 'l2', steps: 3, targetAction: 2, scope: 'all' }));
      obs.dispose();
    }
    const obs = tf.randomUniform([1, ...SHAPE], 0, 1, 'float32', 20) as tf.Tensor4D;
    await assertNoGrowth(() => pgd(fused, obs, { eps: 0.01, norm: 'linf', steps: 3 }).dispose(), 10, `${backend} pgd through the fused gradient`);
    obs.dispose();
    fused.model.dispose();
  });
}
