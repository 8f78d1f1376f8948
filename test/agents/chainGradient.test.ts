/**
 * The hand-written input gradient of Conv2D/Flatten/Dense chains (agents/chainGradient.ts) against
 * tf.grad through the layers model, on random seeded chains (strides 1-3 and unequal, 'valid' and
 * 'same' padding, relu and linear, with and without bias, batch 1 and 4) on cpu and wasm; which
 * models it covers; that it reads weights at call time; and that it leaves no tensors behind.
 *
 * Tolerance: max |difference| <= 1e-5 * max(1, max |tf.grad's value|). Both compute the same sums
 * with the same backward kernels; only the forward differs (the bias added inside the fused
 * conv/matMul kernel rather than after it), so at most float32 rounding may differ. On these seeded
 * draws the results were in fact identical on both backends. A wrong mask, stride or padding gives
 * O(1) errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { LayersPolicy } from '../../agents/layersPolicy.ts';
import { traceChain } from '../../agents/chainGradient.ts';
import { buildActorCritic, buildQNetwork } from '../../agents/networks.ts';
import { initBackend } from '../../src/core/tensor/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { assertNoGrowth } from '../helpers/leakCheck.ts';
import { assertClose } from '../src/core/tensor/kernels/compare.ts';
import { randomChain } from '../helpers/randomChain.ts';

const TOLERANCE = 1e-5;

/** tf.grad of sum(dy * logits) through the layers model: the reference. */
function tapeGradient(policy: LayersPolicy, obs: tf.Tensor4D, dy: tf.Tensor2D): Float32Array {
  return tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(policy.logits(x as tf.Tensor4D), dy)))(obs).dataSync() as Float32Array);
}

function fusedGradient(policy: LayersPolicy, obs: tf.Tensor4D, dy: tf.Tensor2D): { logits: Float32Array; gradient: Float32Array } {
  const inputGradient = policy.inputGradient;
  assert.ok(inputGradient !== undefined, 'the chain has a fused input gradient');
  return tf.tidy(() => {
    const { logits, gradient } = inputGradient(obs, (z) => {
      assert.deepEqual(z.shape, dy.shape, 'outputGradient sees the logits');
      return dy;
    });
    return { logits: logits.dataSync() as Float32Array, gradient: gradient.dataSync() as Float32Array };
  });
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`the fused input gradient equals tf.grad on random conv/dense chains, batch 1 and 4 (${backend})`, async () => {
    await initBackend(backend);
    const rng = Rng.fromSeed(backend === 'cpu' ? 31 : 32);
    const covered = new Set<string>();
    let nonZero = 0;
    for (let trial = 0; trial < 12; trial++) {
      const { model, description } = randomChain(rng);
      const policy = new LayersPolicy(model);
      for (const batch of [1, 4]) {
        const obs = tf.tensor4d(Float32Array.from({ length: batch * policy.inputShape.reduce((a, b) => a * b, 1) }, () => rng.float()), [batch, ...policy.inputShape]);
        const dy = tf.tensor2d(Float32Array.from({ length: batch * policy.actionCount }, () => rng.uniform(-1, 1)), [batch, policy.actionCount]);
        const what = `${backend} trial ${trial} batch ${batch} (${description})`;
        const expected = tapeGradient(policy, obs, dy);
        const actual = fusedGradient(policy, obs, dy);
        if (expected.some((v) => v !== 0)) nonZero++;
        assertClose(actual.gradient, expected, `${what} gradient`, TOLERANCE);
        assertClose(actual.logits, tf.tidy(() => policy.logits(obs).dataSync() as Float32Array), `${what} logits`, TOLERANCE);
        tf.dispose([obs, dy]);
      }
      for (const part of description.split(', ')) covered.add(part.replace(/ k\d+/, '').replace(/ nobias/, ''));
      model.dispose();
    }
    // A chain can be dead (every relu of a layer off); most of the seeded draws are not.
    assert.ok(nonZero >= 20, `only ${nonZero} of 24 comparisons had a non-zero gradient`);
    // The seeded draws exercise what the brief asks for: strides, both paddings, both activations.
    for (const needed of ['s1x1 valid relu', 's2x2 same', 's3x3', 's2x1', 'linear']) {
      assert.ok([...covered].some((c) => c.includes(needed) || needed.split(' ').every((w) => c.includes(w))), `random chains cover '${needed}' (${[...covered].join('; ')})`);
    }
  });
}

test('the DQN and A3C networks are chains (A3C: the policy-logits head); other models fall back to tf.grad', async () => {
  await initBackend('cpu');
  const kinds = (model: tfl.LayersModel): string | undefined => traceChain(model)?.map((l) => l.kind).join(' ');
  assert.equal(kinds(buildQNetwork([84, 84, 4], 6, 1)), 'conv2d conv2d flatten dense dense');
  assert.equal(kinds(buildQNetwork([84, 84, 4], 6, 1, 'nature2015')), 'conv2d conv2d conv2d flatten dense dense');
  assert.equal(kinds(buildQNetwork([84, 84, 4], 3, 1, 'patch6')), 'conv2d conv2d flatten dense dense');
  assert.equal(kinds(buildActorCritic([84, 84, 4], 6, 1)), 'conv2d conv2d flatten dense dense');
  assert.equal(kinds(buildActorCritic([10, 10, 2], 3, 1, 'mlp')), 'flatten dense dense');
  const pooled = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [8, 8, 2], filters: 3, kernelSize: 3 }), tfl.layers.maxPooling2d({ poolSize: 2 }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })] });
  const tanh = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [4, 4, 1] }), tfl.layers.dense({ units: 3, activation: 'tanh' })] });
  const input = tfl.input({ shape: [4, 4, 1] });
  const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  const sum = tfl.layers.add().apply([tfl.layers.dense({ units: 3 }).apply(flat) as tfl.SymbolicTensor, tfl.layers.dense({ units: 3 }).apply(flat) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
  const branched = tfl.model({ inputs: input, outputs: sum });
  for (const [name, model] of [['max pooling', pooled], ['tanh', tanh], ['two branches', branched]] as const) {
    assert.equal(traceChain(model), undefined, `${name} is not a chain`);
    assert.equal(new LayersPolicy(model).inputGradient, undefined, `${name}: LayersPolicy offers no fused gradient`);
    model.dispose();
  }
});

test('the A3C policy-head gradient equals tf.grad through logits() (the value head plays no part)', async () => {
  await initBackend('wasm');
  const policy = new LayersPolicy(buildActorCritic([42, 42, 4], 6, 5));
  const obs = tf.randomUniform([2, 42, 42, 4], 0, 1, 'float32', 6) as tf.Tensor4D;
  const dy = tf.randomUniform([2, 6], -1, 1, 'float32', 7) as tf.Tensor2D;
  const expected = tapeGradient(policy, obs, dy);
  assertClose(fusedGradient(policy, obs, dy).gradient, expected, 'a3c gradient', TOLERANCE);
  tf.dispose([obs, dy]);
  policy.model.dispose();
});

test('weights are read at call time (a trainer updates the policy it is attacked through), and no tensors are left behind', async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    await initBackend(backend);
    const policy = new LayersPolicy(buildQNetwork([42, 42, 4], 6, 8));
    const other = buildQNetwork([42, 42, 4], 6, 9);
    const obs = tf.randomUniform([1, 42, 42, 4], 0, 1, 'float32', 10) as tf.Tensor4D;
    const dy = tf.randomUniform([1, 6], -1, 1, 'float32', 11) as tf.Tensor2D;
    const before = fusedGradient(policy, obs, dy).gradient;
    policy.model.setWeights(other.getWeights());
    const after = fusedGradient(policy, obs, dy).gradient;
    assertClose(after, tapeGradient(policy, obs, dy), `${backend}: gradient after setWeights`, TOLERANCE);
    assert.ok(after.some((v, i) => Math.abs(v - (before[i] as number)) > 1e-3), `${backend}: new weights, new gradient`);
    await assertNoGrowth(() => {
      const { logits, gradient } = policy.inputGradient?.(obs, () => tf.clone(dy)) ?? assert.fail('chain');
      tf.dispose([logits, gradient]);
    }, 20, `${backend} fused input gradient`);
    tf.dispose([obs, dy]);
    policy.model.dispose();
    other.dispose();
  }
});
