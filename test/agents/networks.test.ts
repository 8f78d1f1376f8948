import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildActorCritic, buildPolicyNetwork, buildQNetwork, type Architecture } from '../../agents/networks.ts';
import { initBackend } from '../../src/core/tensor/backend.ts';

before(async () => {
  await initBackend('cpu');
});

test('every Q-network architecture sees the whole 84x84 frame: the first layer reaches the last row and column', () => {
  // A 'valid' convolution drops the rows and columns its last window does not reach; in Pong-like
  // the agent's paddle lives near the right edge, so no architecture may drop any.
  for (const architecture of ['dqn2013', 'nature2015', 'patch6'] as const satisfies readonly Architecture[]) {
    const model = buildQNetwork([84, 84, 4], 3, 1, architecture);
    const first = model.layers[0] as tfl.layers.Layer;
    const config = first.getConfig();
    const [kernel, stride] = [(config['kernelSize'] as number[])[0] as number, (config['strides'] as number[])[0] as number];
    const outputs = (first.outputShape as number[])[1] as number;
    assert.equal((outputs - 1) * stride + kernel, 84, `${architecture}: ${outputs} windows of ${kernel} every ${stride} pixels`);
    model.dispose();
  }
});

test('a seed chain that passes 0 still builds the same weights every time (tfjs reads seed 0 as unseeded)', () => {
  // Seed -1 gives the second layer seed 0: before initializerSeed, that layer was Math.random-initialised.
  const weightsOf = (model: tfl.LayersModel): number[][] => model.getWeights().map((w) => Array.from(w.dataSync()));
  for (const build of [() => buildQNetwork([24, 24, 2], 3, -1), () => buildActorCritic([24, 24, 2], 3, -1), () => buildPolicyNetwork([24, 24, 2], 3, -1)]) {
    const a = build();
    const b = build();
    assert.deepEqual(weightsOf(b), weightsOf(a));
    a.dispose();
    b.dispose();
  }
});

test('hidden activations: on a black frame a ReLU net has no input gradient at all, leaky ReLU and ELU have one on every pixel', () => {
  // Zero input and zero biases put every pre-activation at exactly 0: ReLU's gradient there is 0
  // (the dead-gradient case model extraction met), leaky ReLU's is its slope, ELU's is 1. 28x28:
  // every pixel reaches a unit of the last conv layer (at 24x24 the last rows feed no unit).
  const zeros = (activation: 'relu' | 'elu' | 'leakyRelu'): number => {
    const model = buildQNetwork([28, 28, 2], 3, 5, 'dqn2013', activation);
    const share = tf.tidy(() => {
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.slice(model.apply(x) as tf.Tensor2D, [0, 0], [-1, 1])))(tf.zeros([1, 28, 28, 2]));
      return tf.mean(tf.cast(tf.equal(g, 0), 'float32')).dataSync()[0] ?? Number.NaN;
    });
    model.dispose();
    return share;
  };
  assert.equal(zeros('relu'), 1);
  assert.equal(zeros('leakyRelu'), 0);
  assert.equal(zeros('elu'), 0);
});
