/**
 * The attack gradient on wasm (advgym's kernels: shared clones, cached weight transposes, the
 * sub-pixel conv input gradient) against the cpu backend's, on the 2013 DQN net at 84x84x4 with
 * seeded weights: directions equal to 1e-4 of their largest |value|, losses to 1e-5, and FGSM's
 * output identical wherever the gradient's sign is not within rounding of zero. Repeated attacks
 * (PGD's pattern, which reuses the cached weights) leave no tensors behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { buildQNetwork } from '../../../../agents/networks.ts';
import { LayersPolicy } from '../../../../agents/layersPolicy.ts';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { fgsm } from '../../../../src/lab/adversary/fgsm.ts';
import { lossAndDirection } from '../../../../src/lab/adversary/gradient.ts';
import { Rng } from '../../../../src/core/rng.ts';
import { assertNoGrowth } from '../../../helpers/leakCheck.ts';
import { assertClose } from '../../core/tensor/kernels/compare.ts';

const SHAPE = [84, 84, 4] as const;

interface Result { direction: Float32Array; loss: Float32Array; attacked: Float32Array }

async function attackOn(backend: 'cpu' | 'wasm', observation: Float32Array, batch: number, targetAction?: number): Promise<Result> {
  await initBackend(backend);
  const policy = new LayersPolicy(buildQNetwork(SHAPE, 6, 3));
  const obs = tf.tensor4d(observation, [batch, ...SHAPE]);
  const result = tf.tidy(() => {
    const { direction, loss } = lossAndDirection(policy, obs, targetAction);
    const attacked = fgsm(policy, obs, { eps: 2 / 255, norm: 'linf', ...(targetAction === undefined ? {} : { targetAction }) });
    return { direction: direction.dataSync() as Float32Array, loss: loss.dataSync() as Float32Array, attacked: attacked.dataSync() as Float32Array };
  });
  obs.dispose();
  policy.model.dispose();
  return result;
}

test('wasm attack gradient and FGSM equal cpu on the 84x84 DQN net (batch 1 and 2, untargeted and targeted)', async () => {
  const rng = Rng.fromSeed(4);
  for (const [batch, target] of [[1, undefined], [2, undefined], [1, 5]] as const) {
    const observation = Float32Array.from({ length: batch * SHAPE[0] * SHAPE[1] * SHAPE[2] }, () => rng.float());
    const expected = await attackOn('cpu', observation, batch, target);
    const actual = await attackOn('wasm', observation, batch, target);
    const what = `batch ${batch} target ${target ?? 'none'}`;
    const scale = expected.direction.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(scale > 0, 'the gradient is not trivially zero');
    // Relative to the largest |gradient|: assertClose scales by max(1, max |expected|).
    assertClose(actual.direction.map((v) => v / scale), expected.direction.map((v) => v / scale), `${what} direction`);
    assertClose(actual.loss, expected.loss, `${what} loss`, 1e-5);
    let decided = 0;
    expected.attacked.forEach((v, i) => {
      if (Math.abs(expected.direction[i] as number) <= 1e-4 * scale) return; // sign within rounding of zero
      decided++;
      assert.equal(actual.attacked[i], v, `${what} attacked value ${i}`);
    });
    assert.ok(decided > observation.length / 8, `${what}: most newest-frame pixels have a decided sign (${decided})`);
  }
});

test('repeated wasm attacks leave no tensors behind', async () => {
  await initBackend('wasm');
  const policy = new LayersPolicy(buildQNetwork(SHAPE, 6, 3));
  const obs = tf.randomUniform([1, ...SHAPE], 0, 1, 'float32', 8) as tf.Tensor4D;
  await assertNoGrowth(() => fgsm(policy, obs, { eps: 0.01, norm: 'linf' }).dispose(), 5, 'fgsm on wasm');
  obs.dispose();
  policy.model.dispose();
});
