/**
 * The hand-written parameter gradient of conv/dense chain nets (agents/chainParameterGradient.ts)
 * against tf.variableGrads through the layers model, for a loss L = sum_k sum(dy_k * output_k)
 * with random dy_k: random single-output chains and random two-head nets (strides incl. unequal,
 * both paddings, relu/linear, bias or not), and the real DQN (2013 and Nature 2015) and A3C nets,
 * batch 1, 5 and 32, cpu and wasm; which models it covers; no tensors left behind.
 *
 * Tolerance: per weight, max |difference| <= 1e-5 * max(1, max |tf.variableGrads' value|). Both run
 * the same backward kernels (Conv2DBackpropFilter, matMul, sum, Conv2DBackpropInput); only the
 * forward differs (bias and relu fused into the conv/matMul kernel), so at most float32 rounding
 * differs. A wrong mask, transpose, stride or a missing head contribution gives O(1) errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { chainParameterGradients, traceChainNet } from '../../agents/chainParameterGradient.ts';
import { buildActorCritic, buildQNetwork } from '../../agents/networks.ts';
import { initBackend } from '../../src/core/tensor/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { assertNoGrowth } from '../helpers/leakCheck.ts';
import { assertClose } from '../src/core/tensor/kernels/compare.ts';
import { randomChain, randomTwoHeadNet } from '../helpers/randomChain.ts';

const TOLERANCE = 1e-5;

function outputsOf(model: tfl.LayersModel, x: tf.Tensor): tf.Tensor[] {
  const out = model.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}

/** Random input and one random dy per output, seeded. */
function randomCase(model: tfl.LayersModel, batch: number, rng: Rng): { obs: tf.Tensor; dys: tf.Tensor2D[] } {
  const shape = [batch, ...(model.inputs[0]?.shape.slice(1) as number[])];
  const obs = tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.float()), shape);
  const dys = model.outputs.map((o) => {
    const units = o.shape[1] ?? 1;
    return tf.tensor2d(Float32Array.from({ length: batch * units }, () => rng.uniform(-1, 1)), [batch, units]);
  });
  return { obs, dys };
}

/** tf.variableGrads of sum_k sum(dy_k * output_k): the reference, in model.trainableWeights order. */
function tapeGradients(model: tfl.LayersModel, obs: tf.Tensor, dys: tf.Tensor2D[]): Float32Array[] {
  return tf.tidy(() => {
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => tf.addN(outputsOf(model, obs).map((o, k) => tf.sum(tf.mul(o, dys[k] as tf.Tensor)))) as tf.Scalar, variables);
    return variables.map((v) => (grads[v.name] ?? assert.fail(`no tape gradient for ${v.name}`)).dataSync() as Float32Array);
  });
}

function fusedGradients(model: tfl.LayersModel, obs: tf.Tensor, dys: tf.Tensor2D[]): { outputs: Float32Array[]; gradients: Float32Array[] } {
  const net = traceChainNet(model) ?? assert.fail('the model is a chain net');
  return tf.tidy(() => {
    const { outputs, gradients } = chainParameterGradients(net, obs, (outs) => {
      outs.forEach((o, k) => assert.deepEqual(o.shape, dys[k]?.shape, 'outputGradients sees the outputs'));
      return dys;
    });
    return { outputs: outputs.map((o) => o.dataSync() as Float32Array), gradients: gradients.map((g) => g.dataSync() as Float32Array) };
  });
}

/** Compares every weight's gradient and the outputs; returns how many gradients were non-zero. */
function compare(model: tfl.LayersModel, batch: number, rng: Rng, what: string): number {
  const { obs, dys } = randomCase(model, batch, rng);
  const expected = tapeGradients(model, obs, dys);
  const actual = fusedGradients(model, obs, dys);
  assert.equal(actual.gradients.length, expected.length, `${what}: one gradient per trainable weight`);
  let nonZero = 0;
  expected.forEach((e, i) => {
    assertClose(actual.gradients[i] as Float32Array, e, `${what} ${model.trainableWeights[i]?.name}`, TOLERANCE);
    if (e.some((v) => v !== 0)) nonZero++;
  });
  const reference = tf.tidy(() => outputsOf(model, obs).map((o) => o.dataSync() as Float32Array));
  reference.forEach((r, k) => assertClose(actual.outputs[k] as Float32Array, r, `${what} output ${k}`, TOLERANCE));
  tf.dispose([obs, ...dys]);
  return nonZero;
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`the fused parameter gradient equals tf.variableGrads on random chains and two-head nets, batch 1 and 5 (${backend})`, async () => {
    await initBackend(backend);
    const rng = Rng.fromSeed(backend === 'cpu' ? 41 : 42);
    let weights = 0;
    let nonZero = 0;
    for (let trial = 0; trial < 16; trial++) {
      const { model, description } = trial % 2 === 0 ? randomChain(rng) : randomTwoHeadNet(rng);
      for (const batch of [1, 5]) {
        nonZero += compare(model, batch, rng, `${backend} trial ${trial} batch ${batch} (${description})`);
        weights += model.trainableWeights.length;
      }
      model.dispose();
    }
    // A relu layer can be dead on a draw, zeroing what lies before it; most draws are not.
    assert.ok(nonZero >= 0.8 * weights, `only ${nonZero} of ${weights} weight gradients were non-zero`);
  });
}

test('the real DQN (2013, Nature 2015, patch6) and A3C nets: equal to tf.variableGrads at batch 1, 5 and 32 (wasm, 84x84)', async () => {
  await initBackend('wasm');
  const rng = Rng.fromSeed(43);
  for (const [name, model] of [
    ['dqn2013', buildQNetwork([84, 84, 4], 6, 1)],
    ['nature2015', buildQNetwork([84, 84, 4], 18, 2, 'nature2015')],
    ['patch6', buildQNetwork([84, 84, 4], 3, 7, 'patch6')],
    ['a3c', buildActorCritic([84, 84, 4], 6, 3)],
  ] as const) {
    for (const batch of [1, 5, 32]) assert.equal(compare(model, batch, rng, `wasm ${name} batch ${batch}`), model.trainableWeights.length, `${name}: every weight has a gradient`);
    model.dispose();
  }
});

test('the real DQN and A3C nets on cpu (42x42: its filter gradient is slow), batch 1 and 5', async () => {
  await initBackend('cpu');
  const rng = Rng.fromSeed(44);
  for (const [name, model] of [
    ['dqn2013', buildQNetwork([42, 42, 4], 6, 4)],
    ['a3c', buildActorCritic([42, 42, 4], 6, 5)],
    ['a3c mlp', buildActorCritic([10, 10, 2], 3, 6, 'mlp')],
  ] as const) {
    for (const batch of [1, 5]) compare(model, batch, rng, `cpu ${name} batch ${batch}`);
    model.dispose();
  }
});

test('which models are chain nets: DQN (no heads), A3C (trunk + policy and value heads); others fall back', async () => {
  await initBackend('cpu');
  const shape = (model: tfl.LayersModel): string | undefined => {
    const net = traceChainNet(model);
    return net && [net.trunk.map((l) => l.kind).join(' '), ...net.heads.map((h) => h.map((l) => l.kind).join(' ') || '-')].join(' | ');
  };
  assert.equal(shape(buildQNetwork([84, 84, 4], 6, 1)), 'conv2d conv2d flatten dense dense | -');
  assert.equal(shape(buildActorCritic([84, 84, 4], 6, 1)), 'conv2d conv2d flatten dense | dense | dense');
  assert.equal(shape(buildActorCritic([10, 10, 2], 3, 1, 'mlp')), 'flatten dense | dense | dense');

  const frozen = buildQNetwork([42, 42, 4], 6, 1);
  (frozen.layers[0] as tfl.layers.Layer).trainable = false;
  const flatInput = (): { input: tfl.SymbolicTensor; flat: tfl.SymbolicTensor } => {
    const input = tfl.input({ shape: [4, 4, 1] });
    return { input, flat: tfl.layers.flatten().apply(input) as tfl.SymbolicTensor };
  };
  const sharedDense = tfl.layers.dense({ units: 16 });
  const a = flatInput();
  const twice = tfl.model({ inputs: a.input, outputs: sharedDense.apply(tfl.layers.dense({ units: 16 }).apply(sharedDense.apply(a.flat)) as tfl.SymbolicTensor) as tfl.SymbolicTensor });
  const b = flatInput();
  const hidden = tfl.layers.dense({ units: 5 }).apply(b.flat) as tfl.SymbolicTensor;
  const trunkIsOutput = tfl.model({ inputs: b.input, outputs: [hidden, tfl.layers.dense({ units: 2 }).apply(hidden) as tfl.SymbolicTensor] });
  const pooled = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [8, 8, 2], filters: 3, kernelSize: 3 }), tfl.layers.maxPooling2d({ poolSize: 2 }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })] });
  for (const [name, model] of [['a frozen layer', frozen], ['a layer applied twice', twice], ['an output that feeds another', trunkIsOutput], ['max pooling', pooled]] as const) {
    assert.equal(traceChainNet(model), undefined, `${name}: the tape`);
    model.dispose();
  }
});

test('weights are read at call time, and no tensors are left behind (cpu and wasm)', async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    await initBackend(backend);
    const model = buildActorCritic([42, 42, 4], 6, 7);
    const net = traceChainNet(model) ?? assert.fail('chain');
    const rng = Rng.fromSeed(45);
    const { obs, dys } = randomCase(model, 2, rng);
    const before = fusedGradients(model, obs, dys).gradients;
    const other = buildActorCritic([42, 42, 4], 6, 8);
    model.setWeights(other.getWeights());
    other.dispose();
    const after = fusedGradients(model, obs, dys).gradients;
    const expected = tapeGradients(model, obs, dys);
    expected.forEach((e, i) => assertClose(after[i] as Float32Array, e, `${backend}: weight ${i} after setWeights`, TOLERANCE));
    assert.ok(after.some((g, i) => g.some((v, j) => Math.abs(v - (before[i]?.[j] as number)) > 1e-4)), `${backend}: new weights, new gradient`);
    await assertNoGrowth(() => {
      const { outputs, gradients } = chainParameterGradients(net, obs, () => dys.map((d) => tf.clone(d)));
      tf.dispose([...outputs, ...gradients]);
    }, 10, `${backend} fused parameter gradient`);
    tf.dispose([obs, ...dys]);
    model.dispose();
  }
});
