/**
 * Observations stored as grey levels (the env's frames are 8-bit, so byte / 255 gives them back
 * exactly; a float copy of 50k Pong observations would take 5.6 GB) with one action label each:
 * the attacker's growing training set, and the held-out set agreement is measured on.
 */
import * as tf from '@tensorflow/tfjs-core';

export class LabelledStates {
  readonly frames: Uint8Array;
  readonly labels: Int32Array;
  private count = 0;

  constructor(
    readonly capacity: number,
    /** Observation shape [H, W, k]. */
    readonly shape: readonly [number, number, number],
  ) {
    this.frames = new Uint8Array(capacity * this.stateSize);
    this.labels = new Int32Array(capacity);
  }

  get stateSize(): number {
    return this.shape[0] * this.shape[1] * this.shape[2];
  }

  get size(): number {
    return this.count;
  }

  /** Appends observations (float in [0,1], rounded to grey levels) without labels yet; returns their indices. */
  add(observations: Float32Array, rows: number): number[] {
    if (this.count + rows > this.capacity) throw new Error(`LabelledStates: ${this.count + rows} states exceed the capacity ${this.capacity}`);
    const size = this.stateSize;
    const offset = this.count * size;
    for (let j = 0; j < rows * size; j++) this.frames[offset + j] = Math.round((observations[j] as number) * 255);
    const indices = Array.from({ length: rows }, (_, i) => this.count + i);
    this.count += rows;
    return indices;
  }

  setLabels(indices: readonly number[], labels: readonly number[]): void {
    indices.forEach((index, i) => {
      this.labels[index] = labels[i] as number;
    });
  }

  /** The stored observations at `indices` as one float batch (byte / 255); caller owns it. */
  batch(indices: readonly number[]): tf.Tensor4D {
    const size = this.stateSize;
    const values = new Float32Array(indices.length * size);
    indices.forEach((index, b) => {
      for (let j = 0; j < size; j++) values[b * size + j] = (this.frames[index * size + j] as number) / 255;
    });
    return tf.tensor4d(values, [indices.length, ...this.shape]);
  }
}
