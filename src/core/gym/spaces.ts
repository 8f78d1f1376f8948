/** Gymnasium-style spaces: what an env accepts and emits, with membership tests and seeded samples. */
import type { Rng } from '../rng.ts';

export class Discrete {
  readonly kind = 'discrete';
  /** Actions are the integers 0 .. n-1. */
  constructor(readonly n: number, readonly actionNames: readonly string[] = []) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Discrete: n must be a positive integer, got ${n}`);
    if (actionNames.length !== 0 && actionNames.length !== n) {
      throw new RangeError(`Discrete: ${actionNames.length} action names for ${n} actions`);
    }
  }

  contains(value: unknown): value is number {
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < this.n;
  }

  sample(rng: Rng): number {
    return rng.int(0, this.n - 1);
  }
}

export type BoxDtype = 'uint8' | 'float32';
export type BoxArray = Uint8Array | Float32Array;

/** A box of `shape` (row-major, e.g. [H, W, C]) with one scalar bound for every element. */
export class Box {
  readonly kind = 'box';
  readonly size: number;

  constructor(
    readonly low: number,
    readonly high: number,
    readonly shape: readonly number[],
    readonly dtype: BoxDtype,
  ) {
    if (!(low <= high)) throw new RangeError(`Box: low ${low} must not exceed high ${high}`);
    if (shape.some((d) => !Number.isInteger(d) || d < 1)) throw new RangeError(`Box: bad shape [${shape.join(', ')}]`);
    this.size = shape.reduce((a, b) => a * b, 1);
  }

  contains(value: unknown): value is BoxArray {
    const array = this.dtype === 'uint8' ? (value instanceof Uint8Array ? value : undefined) : value instanceof Float32Array ? value : undefined;
    if (array === undefined || array.length !== this.size) return false;
    for (let i = 0; i < array.length; i++) {
      const v = array[i] as number;
      if (!(v >= this.low && v <= this.high)) return false; // also rejects NaN
    }
    return true;
  }

  sample(rng: Rng): BoxArray {
    const out = this.dtype === 'uint8' ? new Uint8Array(this.size) : new Float32Array(this.size);
    for (let i = 0; i < out.length; i++) {
      out[i] = this.dtype === 'uint8' ? rng.int(Math.ceil(this.low), Math.floor(this.high)) : rng.uniform(this.low, this.high);
    }
    return out;
  }
}
