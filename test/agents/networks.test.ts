import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildQNetwork, type Architecture } from '../../agents/networks.ts';
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

test('a seed that puts a layer at seed 0 (which tfjs reads as unseeded) still builds the same weights twice', () => {
  const sums = (): number[] => {
    const model = buildQNetwork([24, 24, 2], 3, -1);
    const values = model.getWeights().map((weight) => tf.tidy(() => tf.sum(weight).dataSync()[0] ?? Number.NaN));
    model.dispose();
    return values;
  };
  assert.deepEqual(sums(), sums());
});
