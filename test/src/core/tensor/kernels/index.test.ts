/**
 * With advgym's kernels registered, a Nature-DQN-shaped net (conv 32 8x8/4, 64 4x4/2, 64 3x3/1,
 * dense) trains on wasm exactly as on cpu: same initial weights, one step of Huber loss with
 * global-norm gradient clipping (variableGrads + applyGradients, RMSProp), same result.
 */
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../../../../src/core/tensor/backend.ts';
import { assertClose } from './compare.ts';

function natureNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [36, 36, 4] });
  let y = tfl.layers.conv2d({ filters: 32, kernelSize: 8, strides: 4, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tfl.SymbolicTensor;
  y = tfl.layers.conv2d({ filters: 64, kernelSize: 4, strides: 2, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.conv2d({ filters: 64, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.flatten().apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }).apply(y) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 6, kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }).apply(y) as tfl.SymbolicTensor });
}

async function trainOnce(backend: 'cpu' | 'wasm'): Promise<Float32Array[]> {
  await initBackend(backend);
  const model = natureNet();
  const optimizer = tf.train.rmsprop(1e-3, 0.99, 0, 0.1);
  const x = tf.randomUniform([8, 36, 36, 4], 0, 1, 'float32', 11);
  const target = tf.randomUniform([8, 6], -1, 1, 'float32', 12);
  const { value, grads } = tf.variableGrads(() => tf.losses.huberLoss(target, model.predict(x) as tf.Tensor) as tf.Scalar);
  tf.tidy(() => {
    const names = Object.keys(grads);
    const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n] as tf.Tensor)))));
    const scale = tf.minimum(1, tf.div(0.5, tf.maximum(norm, 1e-6)));
    optimizer.applyGradients(Object.fromEntries(names.map((n) => [n, tf.mul(grads[n] as tf.Tensor, scale)])));
  });
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([value, x, target, ...Object.values(grads)]);
  model.dispose();
  optimizer.dispose();
  return weights;
}

test('a Nature-DQN-shaped net trains identically (to float rounding) on wasm and cpu', async () => {
  const expected = await trainOnce('cpu');
  const actual = await trainOnce('wasm');
  expected.forEach((w, i) => assertClose(actual[i] as Float32Array, w, `weight ${i}`));
});
