/**
 * Tensor-leak checks for tests (the tfjs-examples snake-dqn habit): run code, then assert that
 * tf.memory().numTensors is back where it started. A leak of one tensor per step is invisible in a
 * short run and fatal in a million-step training run, so tests pin it down here.
 */
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';

/** Runs `fn` (sync or async) and fails if it leaves tensors behind; returns what `fn` returns. */
export async function assertNoLeak<T>(fn: () => T | Promise<T>, what = 'code under test'): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  assert.equal(after - before, 0, `${what} leaked ${after - before} tensor(s) (${before} -> ${after})`);
  return result;
}

/** Synchronous variant, for code that must not await (e.g. inside another tidy-free loop). */
export function assertNoLeakSync<T>(fn: () => T, what = 'code under test'): T {
  const before = tf.memory().numTensors;
  const result = fn();
  const after = tf.memory().numTensors;
  assert.equal(after - before, 0, `${what} leaked ${after - before} tensor(s) (${before} -> ${after})`);
  return result;
}

/**
 * Runs `step` `times` times and fails if the tensor count grows across iterations. The first
 * iteration may allocate lasting state (optimizer slots, lazily built layers), so the count is
 * taken after it: the check is "no growth per step", which is what long training runs need.
 */
export async function assertNoGrowth(step: (i: number) => unknown, times = 5, what = 'step'): Promise<void> {
  assert.ok(times >= 2, 'assertNoGrowth needs at least 2 iterations');
  await step(0);
  const baseline = tf.memory().numTensors;
  for (let i = 1; i < times; i++) await step(i);
  const after = tf.memory().numTensors;
  assert.equal(after - baseline, 0, `${what} grew by ${after - baseline} tensor(s) over ${times - 1} iterations`);
}

/** tf.tidy for tests that return plain values: disposes every tensor made inside `fn`. */
export function withTidy<T extends tf.TensorContainer>(fn: () => T): T {
  return tf.tidy(fn);
}
