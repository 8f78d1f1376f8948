// Share of the newest frame's pixels where a substitute's input gradient (of its logit for the
// victim's action) is exactly zero, on 100 states of the victim's own greedy play (episode
// 900000): a dead gradient gives FGSM transfer and Jacobian augmentation nothing to move there.
//   node --import tsx scripts/input-gradient-zeros.ts models/pong-dqn DIR...
import * as tf from '@tensorflow/tfjs-core';
import { victimPlayStates } from '../agents/extract/agreement.ts';
import { loadPolicy } from '../agents/loadPolicy.ts';
import { makeEnv } from '../envs/index.ts';
import { initBackend } from '../src/core/tensor/backend.ts';

const [victimDir, ...others] = process.argv.slice(2);
if (victimDir === undefined) throw new Error('usage: input-gradient-zeros.ts VICTIM DIR...');
await initBackend('wasm');
const victim = await loadPolicy(victimDir);
const states = victimPlayStates(victim, makeEnv('Pong-v0'), 1, 900_000);
const indices = Array.from({ length: 100 }, (_, i) => Math.floor((i * states.size) / 100));
const labels = indices.map((k) => states.labels[k] as number);
for (const dir of others) {
  const substitute = await loadPolicy(dir);
  const obs = states.batch(indices);
  const zero = tf.tidy(() => {
    const select = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), substitute.actionCount), 'float32');
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(substitute.logits(x as tf.Tensor4D), select)))(obs);
    const newest = tf.slice(gradient, [0, 0, 0, gradient.shape[3] as number - 1], [-1, -1, -1, 1]);
    return tf.mean(tf.cast(tf.equal(newest, 0), 'float32')).dataSync()[0] ?? Number.NaN;
  });
  obs.dispose();
  process.stdout.write(`${dir}: input gradient exactly 0 on ${(100 * zero).toFixed(1)}% of the newest frame's pixels (100 states)\n`);
}
