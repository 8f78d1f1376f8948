/**
 * Gradient-masking ground truth for the audit, on a real small model (models/pong-bc): with its
 * logits multiplied by 1e4 the float32 softmax saturates, so Huang's cross-entropy gradient is
 * exactly zero and FGSM/PGD-ce change nothing, while the margin loss (scale-free) still changes
 * actions, exactly where it does on the unscaled model.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { loadPolicy } from '../../../../agents/loadPolicy.ts';
import type { Policy } from '../../../../agents/policy.ts';
import { makeEnv } from '../../../../envs/index.ts';
import { fgsm } from '../../../../src/lab/adversary/fgsm.ts';
import { pgd } from '../../../../src/lab/adversary/pgd.ts';
import { attackDirection } from '../../../../src/lab/adversary/gradient.ts';

before(async () => {
  await initBackend('wasm');
});

/** The same net with its logits times `scale`: the same actions, a saturated softmax. */
function scaledLogits(policy: Policy, scale: number): Policy {
  return { actionCount: policy.actionCount, inputShape: policy.inputShape, logits: (obs) => tf.tidy(() => tf.mul(policy.logits(obs), scale) as tf.Tensor2D), act: (obs) => policy.act(obs) };
}

test('pong-bc with logits x 1e4: the ce gradient is exactly 0 and FGSM/PGD-ce change no action; the margin loss still does', async () => {
  const policy = await loadPolicy('models/pong-bc');
  const saturated = scaledLogits(policy, 1e4);
  // Eight states of the model's own play.
  const env = makeEnv('Pong-v0');
  let observation = env.reset({ seed: 1 }).observation;
  const states: Float32Array[] = [];
  for (let t = 0; t < 160 && states.length < 8; t++) {
    if (t % 20 === 10) states.push(observation.slice());
    const action = tf.tidy(() => policy.act(tf.tensor4d(observation, [1, ...policy.inputShape])))[0] ?? 0;
    observation = env.step(action).observation;
  }
  const obs = tf.tensor4d(Float32Array.from(states.flatMap((s) => Array.from(s))), [states.length, ...policy.inputShape]);
  const clean = policy.act(obs);
  const eps = 0.01;
  tf.tidy(() => {
    const gradient = attackDirection(saturated, obs).dataSync();
    assert.ok(gradient.every((g) => g === 0), 'the saturated cross-entropy gradient is exactly zero in float32');
    const changed = (x: tf.Tensor4D): number => policy.act(x).filter((a, i) => a !== clean[i]).length;
    assert.deepEqual(fgsm(saturated, obs, { eps, norm: 'linf' }).dataSync(), obs.dataSync(), 'FGSM-ce does not move');
    assert.equal(changed(pgd(saturated, obs, { eps, norm: 'linf', steps: 5 })), 0, 'PGD-ce changes no action');
    const fgsmMargin = changed(fgsm(saturated, obs, { eps, norm: 'linf', loss: 'margin' }));
    const pgdMargin = changed(pgd(saturated, obs, { eps, norm: 'linf', steps: 5, loss: 'margin' }));
    assert.ok(fgsmMargin >= 1 && pgdMargin >= 1, `the margin loss changes actions (FGSM ${fgsmMargin}, PGD ${pgdMargin} of ${clean.length})`);
    // The masking is the model's only defense: on the unscaled net ce changes actions too.
    assert.ok(changed(fgsm(policy, obs, { eps, norm: 'linf' })) >= 1, 'FGSM-ce works on the unscaled model');
  });
  obs.dispose();
});
