/**
 * A second thread for PPO's minibatch gradient (config `gradientThreads: 2`): the updater hands it
 * one part of each minibatch and computes the other part itself meanwhile, then averages the two
 * parameter gradients weighted by their rows, which is the gradient of the whole minibatch's mean
 * loss. The update is ~87% of a PPO iteration on Pong (bench/onpolicy.ts), so this is where a
 * second core pays; splitting the envs over threads could save at most the rollout's ~13%.
 *
 * The thread starts with the updater and is waited for synchronously (Atomics.wait): update() is
 * synchronous. A worker that throws reports the message through the channel and the update
 * throws it; one that hangs is given up after JOB_TIMEOUT_MS.
 */
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { parameterCount, readFlatWeights } from '../a3c/sharedParams.ts';
import type { ActorCriticArchitecture } from '../networks.ts';
import { backendInfo, type BackendChoice } from '../../src/core/tensor/backend.ts';
import { CONTROL, GradientChannel, JOB } from './gradientChannel.ts';
import type { GradientWorkerSetup } from './gradientWorker.ts';
import type { PpoBatch, PpoCoefficients, PpoLossTerms } from './loss.ts';

const TSX_API = import.meta.resolve('tsx/esm/api');
const WORKER_ENTRY = new URL('./gradientWorker.ts', import.meta.url).href;
/** As agents/a3c/spawn.ts: a worker thread must register tsx itself to import TypeScript. */
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_ENTRY)}); });`;

/** Start-up (tsx, the wasm backend, the net) takes seconds; one job ~0.1 s on Pong. */
const JOB_TIMEOUT_MS = 300_000;

const BACKEND_OF: Record<string, BackendChoice> = { tensorflow: 'node', wasm: 'wasm', cpu: 'cpu' };

export class PpoGradientThread {
  private readonly worker: Worker;
  private readonly channel: GradientChannel;
  /** Jobs the thread has finished, its start-up counted as the first. */
  private finished = 0;
  private busy = false;

  /**
   * `shapes`: the parameter shapes in the order the thread's gradients come back (the chain net's
   * variables, as the updater's own gradients).
   */
  constructor(
    private readonly model: tfl.LayersModel,
    private readonly shapes: readonly (readonly number[])[],
    maxRows: number,
    architecture: ActorCriticArchitecture,
  ) {
    const inputShape = model.inputs[0]?.shape.slice(1) as [number, number, number];
    const actionCount = model.outputs[0]?.shape[1] as number;
    this.channel = GradientChannel.allocate(parameterCount(model), maxRows, inputShape.reduce((a, b) => a * b, 1));
    const setup: GradientWorkerSetup = {
      buffers: this.channel.buffers,
      maxRows,
      inputShape,
      actionCount,
      architecture,
      backend: BACKEND_OF[backendInfo().name] ?? 'cpu',
    };
    this.worker = new Worker(BOOTSTRAP, { eval: true, workerData: setup });
    // Errors reach us through the channel; this keeps an uncaught 'error' event from killing the process.
    this.worker.on('error', () => undefined);
  }

  /** Posts a job: the current weights and these rows. end() must be called before the next begin(). */
  begin(observations: Float32Array, batch: PpoBatch, coefficients: PpoCoefficients): void {
    if (this.busy) throw new Error('gradient thread: begin() twice without end()');
    if (this.finished === 0) this.waitFor(1); // its start-up
    this.channel.weights.set(readFlatWeights(this.model));
    this.channel.writeJob(observations, batch, coefficients);
    Atomics.store(this.channel.control, CONTROL.failed, 0);
    Atomics.store(this.channel.control, CONTROL.job, JOB.work);
    Atomics.notify(this.channel.control, CONTROL.job);
    this.busy = true;
  }

  /**
   * Waits for the job; returns its loss terms (means over its rows) and its parameter gradients
   * as tensors in the chain net's variable order (the caller owns them).
   */
  end(): { terms: PpoLossTerms; gradients: tf.Tensor[] } {
    if (!this.busy) throw new Error('gradient thread: end() without begin()');
    this.waitFor(this.finished + 1);
    this.busy = false;
    if (Atomics.load(this.channel.control, CONTROL.failed) === 1) throw new Error(`gradient thread: ${this.channel.readError()}`);
    let offset = 0;
    const gradients = this.shapes.map((shape) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const g = tf.tensor(this.channel.gradient.slice(offset, offset + n), shape as number[]);
      offset += n;
      return g;
    });
    return { terms: this.channel.readTerms(), gradients };
  }

  dispose(): void {
    Atomics.store(this.channel.control, CONTROL.job, JOB.quit);
    Atomics.notify(this.channel.control, CONTROL.job);
    void this.worker.terminate();
  }

  /** Blocks until the thread has finished `count` jobs (the first "job" is its start-up). */
  private waitFor(count: number): void {
    const control = this.channel.control;
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    for (;;) {
      const seen = Atomics.load(control, CONTROL.finished);
      if (seen >= count) {
        this.finished = seen;
        return;
      }
      if (Date.now() > deadline) throw new Error(`gradient thread: no answer within ${JOB_TIMEOUT_MS / 1000} s`);
      Atomics.wait(control, CONTROL.finished, seen, 1000);
    }
  }
}
