/**
 * The shared parameters of A3C, Hogwild-style (Recht et al. 2011, as Mnih et al. 2016 do): the
 * parameter vector theta and the shared RMSProp statistics g live in SharedArrayBuffers that every
 * actor-learner thread maps. A worker copies theta into its local network, computes a gradient on
 * its rollout, and applies the update to the shared arrays itself, without locks. Reads can see a
 * half-applied update of another worker; that is the paper's design and costs nothing measurable.
 *
 * Shared RMSProp (the paper's best variant, eq. S2/S3 with the statistics shared across threads):
 *   g     <- alpha * g + (1 - alpha) * d^2
 *   theta <- theta - lr * d / sqrt(g + eps)
 *
 * The counters block holds the global step and update counts (Atomics), the stop flag and
 * per-worker step counts, so the main thread can watch progress without messages.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { trainableVariables } from './loss.ts';

/** Indices into the Int32Array counters block. */
export const COUNTER = {
  /** Env steps taken by all workers together (low 31 bits suffice only to 2^31; see globalSteps). */
  stepsLow: 0,
  stepsHigh: 1,
  /** Parameter updates applied (the version of theta). */
  updates: 2,
  /** Non-zero: workers finish their current rollout and exit. */
  stop: 3,
  /** Sum of update staleness (updates applied by others between a worker's read and its write). */
  stalenessSum: 4,
  /** Updates that count in stalenessSum (equals updates, kept separately to reset on resume). */
  stalenessCount: 5,
  /** Workers that have started their loop. */
  running: 6,
} as const;
const COUNTER_SLOTS = 8;

export interface SharedBuffers {
  readonly params: SharedArrayBuffer;
  readonly rmsprop: SharedArrayBuffer;
  readonly counters: SharedArrayBuffer;
}

export class SharedParams {
  readonly theta: Float32Array;
  readonly meanSquare: Float32Array;
  readonly counters: Int32Array;

  constructor(readonly buffers: SharedBuffers) {
    this.theta = new Float32Array(buffers.params);
    this.meanSquare = new Float32Array(buffers.rmsprop);
    this.counters = new Int32Array(buffers.counters);
    if (this.theta.length !== this.meanSquare.length) throw new RangeError('SharedParams: theta and RMSProp statistics differ in size');
  }

  /** Fresh shared memory for `size` parameters (theta zero, g zero). */
  static allocate(size: number): SharedParams {
    return new SharedParams({
      params: new SharedArrayBuffer(size * 4),
      rmsprop: new SharedArrayBuffer(size * 4),
      counters: new SharedArrayBuffer(COUNTER_SLOTS * 4),
    });
  }

  get size(): number {
    return this.theta.length;
  }

  /** Env steps so far (two 32-bit halves, so runs beyond 2^31 steps still count right). */
  globalSteps(): number {
    return Atomics.load(this.counters, COUNTER.stepsHigh) * 2 ** 30 + Atomics.load(this.counters, COUNTER.stepsLow);
  }

  /** Adds `steps` to the global count; returns the new total. */
  addSteps(steps: number): number {
    const low = Atomics.add(this.counters, COUNTER.stepsLow, steps) + steps;
    if (low >= 2 ** 30) {
      // Carry: whoever pushes low past 2^30 moves 2^30 into high. Concurrent adders only add, so
      // the sum high * 2^30 + low stays exact.
      Atomics.sub(this.counters, COUNTER.stepsLow, 2 ** 30);
      Atomics.add(this.counters, COUNTER.stepsHigh, 1);
    }
    return this.globalSteps();
  }

  setGlobalSteps(steps: number): void {
    Atomics.store(this.counters, COUNTER.stepsHigh, Math.floor(steps / 2 ** 30));
    Atomics.store(this.counters, COUNTER.stepsLow, steps % 2 ** 30);
  }

  updates(): number {
    return Atomics.load(this.counters, COUNTER.updates);
  }

  requestStop(): void {
    Atomics.store(this.counters, COUNTER.stop, 1);
  }

  stopRequested(): boolean {
    return Atomics.load(this.counters, COUNTER.stop) !== 0;
  }

  /** Mean staleness of the applied updates so far (0 with one worker). */
  meanStaleness(): number {
    const count = Atomics.load(this.counters, COUNTER.stalenessCount);
    return count === 0 ? 0 : Atomics.load(this.counters, COUNTER.stalenessSum) / count;
  }

  /**
   * Applies one shared-RMSProp step with `scale * gradient` (scale from clipScale). `readVersion`
   * is updates() when the worker copied theta; returns the staleness of this update.
   */
  applyGradient(gradient: Float32Array, scale: number, learningRate: number, decay: number, epsilon: number, readVersion: number): number {
    if (gradient.length !== this.theta.length) throw new RangeError(`applyGradient: gradient has ${gradient.length} entries, theta ${this.theta.length}`);
    const theta = this.theta;
    const g = this.meanSquare;
    const keep = decay;
    const mix = 1 - decay;
    for (let i = 0; i < gradient.length; i++) {
      const d = (gradient[i] as number) * scale;
      const gi = keep * (g[i] as number) + mix * d * d;
      g[i] = gi;
      theta[i] = (theta[i] as number) - (learningRate * d) / Math.sqrt(gi + epsilon);
    }
    const staleness = Atomics.add(this.counters, COUNTER.updates, 1) - readVersion;
    Atomics.add(this.counters, COUNTER.stalenessSum, staleness);
    Atomics.add(this.counters, COUNTER.stalenessCount, 1);
    return staleness;
  }

  /** Copies the shared theta into a local network; returns the version read. */
  copyInto(model: tfl.LayersModel): number {
    const version = this.updates();
    writeFlatWeights(model, this.theta);
    return version;
  }

  /** Copies a network's weights into the shared theta (initialisation and resume). */
  copyFrom(model: tfl.LayersModel): void {
    this.theta.set(readFlatWeights(model));
  }
}

/** The l2 norm of a vector; NaN or Infinity if any entry is (one pass serves clipping and the NaN check). */
export function l2Norm(vector: Float32Array): number {
  let squares = 0;
  for (let i = 0; i < vector.length; i++) squares += (vector[i] as number) * (vector[i] as number);
  return Math.sqrt(squares);
}

/** Factor that scales a gradient of l2 norm `norm` down to `maxNorm` when it is larger (1 otherwise). */
export function clipScale(norm: number, maxNorm: number): number {
  return norm > maxNorm ? maxNorm / norm : 1;
}

/** Number of trainable parameters of a model. */
export function parameterCount(model: tfl.LayersModel): number {
  return trainableVariables(model).reduce((sum, v) => sum + v.size, 0);
}

/** The model's trainable weights concatenated (model.trainableWeights order). */
export function readFlatWeights(model: tfl.LayersModel): Float32Array {
  const variables = trainableVariables(model);
  const flat = new Float32Array(variables.reduce((sum, v) => sum + v.size, 0));
  let offset = 0;
  for (const variable of variables) {
    flat.set(variable.dataSync() as Float32Array, offset);
    offset += variable.size;
  }
  return flat;
}

/** Sets the model's trainable weights from a flat vector (copied, so a shared source may move on). */
export function writeFlatWeights(model: tfl.LayersModel, flat: Float32Array): void {
  const variables = trainableVariables(model);
  let offset = 0;
  tf.tidy(() => {
    for (const variable of variables) {
      // slice() copies out of shared memory: the cpu backend would otherwise keep a view of it.
      variable.assign(tf.tensor(flat.slice(offset, offset + variable.size), variable.shape));
      offset += variable.size;
    }
  });
  if (offset !== flat.length) throw new RangeError(`writeFlatWeights: vector has ${flat.length} entries, model ${offset}`);
}
