/**
 * advgym's fused l-inf PGD step (kernels/linfPgdStep.ts) against the tf ops pgd.ts ran before it,
 * one by one, on the same backend, bit for bit (Object.is per element): wasm (its SIMD pass and the
 * 4-lane tail) and cpu, random iterates around clean points in [0, 1] (some at the box and ball
 * edges), gradients with entries near 0 and around FLT_EPSILON (where the backends' Signs differ),
 * 0/1 scope masks; and no tensor left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../../src/core/tensor/backend.ts';
import { LINF_PGD_STEP, linfPgdStep } from '../../../../../src/core/tensor/kernels/linfPgdStep.ts';
import { Rng } from '../../../../../src/core/rng.ts';
import { assertNoLeak } from '../../../../helpers/leakCheck.ts';

interface Data {
  shape: [number, number, number, number];
  x: Float32Array;
  g: Float32Array;
  clean: Float32Array;
  mask: Float32Array;
  eps: number;
  stepSize: number;
}

function data(rng: Rng, shape: [number, number, number, number], eps: number, steps: number): Data {
  const size = shape.reduce((a, b) => a * b, 1);
  const clean = Float32Array.from({ length: size }, () => (rng.chance(0.2) ? rng.pick([0, 1]) : rng.float()) as number);
  const x = clean.map((c) => Math.min(1, Math.max(0, c + (rng.chance(0.2) ? rng.pick([-eps, eps]) : rng.uniform(-eps, eps)) as number)));
  const tiny = [0, -0, 2 ** -23, -(2 ** -23), 2 ** -24, -(2 ** -24), 1e-30, -1e-30];
  const g = Float32Array.from({ length: size }, () => (rng.chance(0.2) ? rng.pick(tiny) : rng.uniform(-1, 1) * 10 ** rng.int(-9, 1)) as number);
  const mask = Float32Array.from({ length: size }, () => (rng.chance(0.7) ? 1 : 0));
  return { shape, x, g, clean, mask, eps, stepSize: (2.5 * eps) / steps };
}

/** pgd.ts's l-inf step as it was: direction = g * mask, sign * size, add, project onto the ball, clip. */
function opsStep(d: Data): Float32Array {
  return tf.tidy(() => {
    const [x, g, clean, mask] = [d.x, d.g, d.clean, d.mask].map((v) => tf.tensor4d(v, d.shape)) as tf.Tensor4D[] as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const moved = tf.add(x, tf.mul(tf.sign(tf.mul(g, mask)), d.stepSize));
    const delta = tf.clipByValue(tf.sub(moved, clean), -d.eps, d.eps);
    return tf.clipByValue(tf.add(clean, delta), 0, 1).dataSync() as Float32Array;
  });
}

function fusedStep(d: Data): Float32Array {
  return tf.tidy(() => {
    const [x, g, clean, mask] = [d.x, d.g, d.clean, d.mask].map((v) => tf.tensor4d(v, d.shape)) as tf.Tensor4D[] as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    return linfPgdStep(x, g, clean, tf.mul(mask, d.stepSize) as tf.Tensor4D, d.eps).dataSync() as Float32Array;
  });
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`the fused l-inf PGD step equals pgd.ts's tf ops bit for bit on ${backend}`, async () => {
    await initBackend(backend);
    const rng = Rng.fromSeed(backend === 'wasm' ? 41 : 42);
    const shapes: [number, number, number, number][] = [[1, 1, 1, 1], [1, 3, 1, 1], [2, 5, 3, 1], [4, 84, 84, 4]];
    for (const shape of shapes) {
      for (const [eps, steps] of [[1 / 255, 10], [3 / 255, 7], [0.05, 1]] as const) {
        const d = data(rng, shape, eps, steps);
        const expected = opsStep(d);
        const actual = await assertNoLeak(() => fusedStep(d), 'linfPgdStep');
        assert.ok(tf.getKernel(LINF_PGD_STEP, backend) !== undefined, `the kernel is registered for ${backend}`);
        for (let i = 0; i < expected.length; i++) {
          assert.ok(Object.is(actual[i], expected[i]), `${backend} ${JSON.stringify(shape)} eps ${eps}: element ${i}: fused ${actual[i]}, ops ${expected[i]} (x ${d.x[i]}, g ${d.g[i]}, clean ${d.clean[i]}, mask ${d.mask[i]})`);
        }
      }
    }
  });
}
