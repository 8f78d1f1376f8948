/** Shared pieces of the wasm-vs-cpu kernel tests: random data and a max-error comparison. */
import assert from 'node:assert/strict';
import type { Rng } from '../../../../../src/core/rng.ts';

export function randomArray(rng: Rng, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-1, 1);
  return out;
}

/**
 * Asserts max |actual - expected| <= tolerance * max(1, max |expected|). Float32 sums of a few
 * thousand products in [-1, 1] in another order differ by ~1e-6 relative; any indexing mistake
 * gives O(1) errors, so 1e-4 separates the two cleanly.
 */
export function assertClose(actual: Float32Array, expected: Float32Array, what: string, tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1;
  for (const e of expected) scale = Math.max(scale, Math.abs(e));
  let worst = 0;
  for (let j = 0; j < expected.length; j++) worst = Math.max(worst, Math.abs((actual[j] as number) - (expected[j] as number)));
  assert.ok(worst <= tolerance * scale, `${what}: max |diff| ${worst} > ${tolerance * scale}`);
}
