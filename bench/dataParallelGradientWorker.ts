/**
 * Worker thread of bench/onpolicy.ts's data-parallel measurement: computes the PPO loss gradient
 * (agents/ppo/loss.ts through the chain net, as PpoUpdater does) of its half of a minibatch with
 * the weights the main thread publishes, and writes it to its shared gradient vector. Jobs and
 * results pass through SharedArrayBuffers with Atomics (no message copies, and the main thread
 * can wait synchronously as the on-policy updater's update() would have to).
 *
 * Control words (Int32): [0] job flag (1 = work, 2 = quit, 0 = idle), [1] jobs done (the main
 * thread waits on it), [2] tenths of a millisecond spent computing (the thread's own clock).
 */
import { workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { writeFlatWeights } from '../agents/a3c/sharedParams.ts';
import { buildActorCritic } from '../agents/networks.ts';
import { chainNetOf, parameterGradients } from '../agents/onpolicy/gradients.ts';
import { ppoLossGradient, type PpoBatch, type PpoCoefficients } from '../agents/ppo/loss.ts';
import { initBackend } from '../src/core/tensor/backend.ts';

export interface DataParallelWorkerSetup {
  readonly control: SharedArrayBuffer;
  readonly weights: SharedArrayBuffer;
  readonly observations: SharedArrayBuffer;
  readonly gradient: SharedArrayBuffer;
  readonly rows: number;
  readonly inputShape: readonly [number, number, number];
  readonly actionCount: number;
  readonly batch: PpoBatch;
  readonly coefficients: PpoCoefficients;
}

const setup = workerData as DataParallelWorkerSetup;
await initBackend('wasm');
const model = buildActorCritic(setup.inputShape, setup.actionCount, 1);
const net = chainNetOf(model);
const control = new Int32Array(setup.control);
const weights = new Float32Array(setup.weights);
const observations = new Float32Array(setup.observations);
const gradient = new Float32Array(setup.gradient);
Atomics.store(control, 1, 1);
Atomics.notify(control, 1);
for (;;) {
  Atomics.wait(control, 0, 0);
  if (Atomics.load(control, 0) === 2) break;
  const started = performance.now();
  writeFlatWeights(model, weights);
  const { gradients } = parameterGradients(net, model, observations.slice(), setup.rows, ([logits, values]) => {
    const { dLogits, dValues, ...terms } = ppoLossGradient(logits as Float32Array, values as Float32Array, setup.batch, setup.coefficients);
    return { terms, gradients: [dLogits, dValues] };
  });
  let offset = 0;
  for (const g of gradients) {
    const data = g.dataSync();
    gradient.set(data, offset);
    offset += data.length;
  }
  tf.dispose(gradients);
  Atomics.add(control, 2, Math.round((performance.now() - started) * 10));
  Atomics.store(control, 0, 0);
  Atomics.add(control, 1, 1);
  Atomics.notify(control, 1);
}
model.dispose();
