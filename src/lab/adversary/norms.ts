/** Norm helpers shared by the attacks: scope masks, per-sample normalisation, projections, sizes. */
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../../core/errors.ts';
import type { Norm, PerturbationBudget, Scope } from './types.ts';

const TINY = 1e-12; // keeps g / ||g|| finite when the gradient vanishes

/**
 * `value` (default 1) on the frames the attack may change (per Huang: only the newest, channel
 * k-1), 0 elsewhere, in the full [n, h, w, k] shape: a same-shape multiply is ~5x cheaper on wasm
 * than broadcasting a [1,1,1,k] mask (0.02 vs 0.1-0.17 ms at 84x84x4), and it is applied once per
 * gradient step.
 */
export function scopeMask(shape: readonly [number, number, number, number], scope: Scope, value = 1): tf.Tensor4D {
  const k = shape[3];
  const mask = new Float32Array(shape[0] * shape[1] * shape[2] * k);
  if (scope === 'all') mask.fill(value);
  else for (let i = k - 1; i < mask.length; i += k) mask[i] = value;
  return tf.tensor4d(mask, [...shape]);
}

/** Sum over every axis but the batch axis, kept broadcastable: [n,1,1,1]. */
export function perSampleSum(x: tf.Tensor4D): tf.Tensor4D {
  return tf.sum(x, [1, 2, 3], true) as tf.Tensor4D;
}

/** x / ||x||_2 per sample. */
export function unitL2(x: tf.Tensor4D): tf.Tensor4D {
  return tf.div(x, tf.add(tf.sqrt(perSampleSum(tf.square(x))), TINY));
}

export function validateBudget(options: PerturbationBudget, where: string): void {
  if (!(Number.isFinite(options.eps) && options.eps >= 0)) throw new UserError(`${where}: eps must be a finite number >= 0, got ${options.eps}`);
  if (!['linf', 'l2', 'l1'].includes(options.norm)) throw new UserError(`${where}: norm must be linf, l2 or l1, got '${String(options.norm)}'`);
  if (options.scope !== undefined && !['newest', 'all'].includes(options.scope)) {
    throw new UserError(`${where}: scope must be newest or all, got '${String(options.scope)}'`);
  }
}

/**
 * The l1 step: spend `budget` greedily on the coordinates with the largest |direction|, each moved
 * as far as [0,1] allows in the direction's sign (ties: lower index first). For a linearised loss
 * this is the best l1 step inside the pixel box (putting all of eps on one pixel would be clipped
 * away). CPU loop: tfjs has no kernel for it. A small budget touches a handful of pixels, so rather
 * than sorting every candidate with a comparator (~3 ms at 84x84) it finds the magnitude threshold
 * of the top m by quickselect (O(n)), sorts only those, and doubles m until their room
 * covers the budget; the result is the same as the full greedy order's.
 */
export function l1GreedyDelta(x: Float32Array, direction: Float32Array, mask: Float32Array | undefined, budget: number, sampleSize: number): Float32Array {
  const delta = new Float32Array(x.length);
  if (!(budget > 0)) return delta;
  const roomOf = (i: number): number => ((direction[i] as number) > 0 ? 1 - (x[i] as number) : (x[i] as number));
  const candidates = new Int32Array(sampleSize);
  const magnitudes = new Float32Array(sampleSize);
  for (let start = 0; start < x.length; start += sampleSize) {
    let count = 0;
    for (let i = start; i < start + sampleSize; i++) {
      const d = direction[i] as number;
      if (d !== 0 && (mask === undefined || mask[i] === 1)) {
        candidates[count] = i;
        magnitudes[count++] = Math.abs(d);
      }
    }
    if (count === 0) continue;
    const scratch = new Float32Array(count);
    let top: number[] = [];
    for (let m = Math.min(16, count); ; m = Math.min(2 * m, count)) {
      scratch.set(magnitudes.subarray(0, count));
      const threshold = kthLargest(scratch, m);
      top = [];
      let room = 0;
      for (let c = 0; c < count; c++) {
        if ((magnitudes[c] as number) >= threshold) {
          top.push(candidates[c] as number);
          room += roomOf(candidates[c] as number);
        }
      }
      if (m === count || room >= budget) break;
    }
    top.sort((a, b) => Math.abs(direction[b] as number) - Math.abs(direction[a] as number) || a - b);
    let remaining = budget;
    for (const i of top) {
      if (remaining <= 0) break;
      const move = Math.min(roomOf(i), remaining);
      delta[i] = (direction[i] as number) > 0 ? move : -move;
      remaining -= move;
    }
  }
  return delta;
}

/** The k-th largest value (k >= 1) of values, by Hoare quickselect; reorders values in place. */
export function kthLargest(values: Float32Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1; // index in descending order
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) > pivot) i++;
      while ((values[j] as number) < pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i++] = values[j] as number;
        values[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return values[target] as number;
}

/**
 * Projects delta onto the l1 ball of radius eps per sample (Duchi et al. 2008, sort-based). Only
 * nonzero magnitudes can exceed the threshold, and they are sorted natively as a typed array: a
 * comparator sort of all 28k values cost 7-12 ms per PGD-l1 step at 84x84x4.
 */
export function projectL1(delta: Float32Array, eps: number, sampleSize: number): Float32Array {
  const out = Float32Array.from(delta);
  const magnitudes = new Float32Array(sampleSize);
  for (let start = 0; start < delta.length; start += sampleSize) {
    let total = 0;
    let count = 0;
    for (let i = start; i < start + sampleSize; i++) {
      const m = Math.abs(delta[i] as number);
      if (m > 0) {
        magnitudes[count++] = m;
        total += m;
      }
    }
    if (total <= eps) continue;
    const ascending = magnitudes.subarray(0, count).sort();
    let cumulative = 0;
    let theta = 0;
    for (let j = 0; j < count; j++) {
      const u = ascending[count - 1 - j] as number; // j-th largest
      cumulative += u;
      const candidate = (cumulative - eps) / (j + 1);
      if (u > candidate) theta = candidate;
      else break;
    }
    for (let i = start; i < start + sampleSize; i++) {
      const v = delta[i] as number;
      out[i] = Math.sign(v) * Math.max(0, Math.abs(v) - theta);
    }
  }
  return out;
}

export interface DeltaNorms {
  readonly l0: number;
  readonly l1: number;
  readonly l2: number;
  readonly linf: number;
}

/** Sizes of attacked - clean for one observation (l0 counts changed values). */
export function deltaNorms(clean: Float32Array, attacked: Float32Array): DeltaNorms {
  let l0 = 0;
  let l1 = 0;
  let sumSquares = 0;
  let linf = 0;
  for (let i = 0; i < clean.length; i++) {
    const d = Math.abs((attacked[i] as number) - (clean[i] as number));
    if (d > 0) l0++;
    l1 += d;
    sumSquares += d * d;
    if (d > linf) linf = d;
  }
  return { l0, l1, l2: Math.sqrt(sumSquares), linf };
}

export type { Norm };
