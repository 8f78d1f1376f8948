/**
 * PPO's gradient thread (started by gradientThread.ts): for each job, the PPO loss gradient of its
 * part of a minibatch (loss.ts through the chain net, exactly as the updater computes its own
 * part) at the weights the updater published, written to the shared gradient vector in the chain
 * net's variable order.
 */
import { workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { writeFlatWeights } from '../a3c/sharedParams.ts';
import { buildActorCritic, type ActorCriticArchitecture } from '../networks.ts';
import { chainNetOf } from '../onpolicy/gradients.ts';
import { initBackend, type BackendChoice } from '../../src/core/tensor/backend.ts';
import { CONTROL, GradientChannel, JOB, type GradientChannelBuffers } from './gradientChannel.ts';
import { ppoParameterGradients } from './minibatchGradient.ts';

export interface GradientWorkerSetup {
  readonly buffers: GradientChannelBuffers;
  readonly maxRows: number;
  readonly inputShape: readonly [number, number, number];
  readonly actionCount: number;
  readonly architecture: ActorCriticArchitecture;
  readonly backend: BackendChoice;
}

const setup = workerData as GradientWorkerSetup;
const channel = new GradientChannel(setup.buffers, setup.maxRows);
const { control } = channel;
await initBackend(setup.backend);
// The seed is irrelevant: every job overwrites the weights with the updater's.
const model = buildActorCritic(setup.inputShape, setup.actionCount, 0, setup.architecture);
const net = chainNetOf(model);
const observationSize = setup.inputShape.reduce((a, b) => a * b, 1);

function finish(): void {
  Atomics.store(control, CONTROL.job, JOB.idle);
  Atomics.add(control, CONTROL.finished, 1);
  Atomics.notify(control, CONTROL.finished);
}

finish();
for (;;) {
  Atomics.wait(control, CONTROL.job, JOB.idle);
  if (Atomics.load(control, CONTROL.job) === JOB.quit) break;
  try {
    const job = channel.readJob(observationSize);
    writeFlatWeights(model, channel.weights);
    const { terms, gradients } = ppoParameterGradients(net, model, job.observations, job.rows, job.batch, job.coefficients);
    let offset = 0;
    for (const g of gradients) {
      const data = g.dataSync();
      channel.gradient.set(data, offset);
      offset += data.length;
    }
    tf.dispose(gradients);
    channel.writeTerms(terms);
  } catch (error) {
    channel.writeError(error instanceof Error ? error.message : String(error));
  }
  finish();
}
model.dispose();
