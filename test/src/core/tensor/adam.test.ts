/**
 * advgym's fused Adam (src/core/tensor/adam.ts) against tf.train.adam on cpu and wasm: the same
 * variables, the same random gradients for several steps, then weights, m, v and the iteration
 * count compared; state moved between the two through getWeights/setWeights (checkpoints); the
 * kernel count that is the point of it; tf's op sequence on backends without the fused kernel; no
 * tensors left behind.
 *
 * Tolerance: 1e-6 relative per value. The fused kernel repeats tf.train.adam's float32 operations
 * one for one, so the results are expected to be equal to the bit; a wrong constant, a missed bias
 * correction or a moment matched to the wrong variable differs by far more.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { adam, FusedAdam } from '../../../../src/core/tensor/adam.ts';
import { ADAM_STEP, registerAdamStepKernels } from '../../../../src/core/tensor/kernels/adamStep.ts';
import { Rng } from '../../../../src/core/rng.ts';
import { assertNoGrowth } from '../../../helpers/leakCheck.ts';

const RELATIVE = 1e-6;
/** Shapes of the 2013 DQN net at 42x42 (conv, bias, conv, bias, dense, bias, dense, bias), smaller dense. */
const SHAPES = [[8, 8, 4, 16], [16], [4, 4, 16, 32], [32], [64, 24], [24], [24, 6], [6]];

function randomValues(rng: Rng, shape: number[], scale: number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  // Include exact zeros: Adam's update there is 0/(0 + eps), which must stay 0.
  return Float32Array.from({ length: size }, () => (rng.chance(0.05) ? 0 : rng.uniform(-scale, scale)));
}

/** One set of variables per optimizer, with equal initial values. */
function twinVariables(rng: Rng): [tf.Variable[], tf.Variable[]] {
  const initial = SHAPES.map((shape) => randomValues(rng, shape, 1));
  const make = (): tf.Variable[] => SHAPES.map((shape, i) => tf.variable(tf.tensor(initial[i] as Float32Array, shape)));
  return [make(), make()];
}

function assertRelativelyEqual(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let j = 0; j < expected.length; j++) {
    const a = actual[j] as number;
    const e = expected[j] as number;
    assert.ok(Math.abs(a - e) <= RELATIVE * Math.abs(e), `${what}[${j}]: ${a} vs tf.train.adam ${e}`);
  }
}

/** Applies the same gradients (given per step) to both; gradient scale varies per variable and step. */
function stepBoth(rng: Rng, pairs: Array<[tf.Optimizer, tf.Variable[]]>, asMap: boolean): void {
  const scales = SHAPES.map(() => 10 ** rng.uniform(-4, 1));
  const grads = SHAPES.map((shape, i) => randomValues(rng, shape, scales[i] as number));
  for (const [optimizer, variables] of pairs) {
    tf.tidy(() => {
      const named = variables.map((v, i) => ({ name: v.name, tensor: tf.tensor(grads[i] as Float32Array, v.shape) }));
      optimizer.applyGradients(asMap ? Object.fromEntries(named.map((g) => [g.name, g.tensor])) : named);
    });
  }
}

/** `namedAfter`: the variables the saved moments are named after (the ones they were created or loaded for). */
async function assertSameState(fused: FusedAdam, fusedVars: tf.Variable[], reference: tf.Optimizer, referenceVars: tf.Variable[], what: string, namedAfter = fusedVars): Promise<void> {
  referenceVars.forEach((v, i) => assertRelativelyEqual(fusedVars[i]?.dataSync() as Float32Array, v.dataSync() as Float32Array, `${what} weight ${i}`));
  const [ours, theirs] = [await fused.getWeights(), await reference.getWeights()];
  assert.equal(ours.length, theirs.length, `${what}: saved weight count`);
  assert.equal(ours[0]?.name, 'iter');
  assert.equal(ours[0]?.tensor.dataSync()[0], theirs[0]?.tensor.dataSync()[0], `${what}: iterations`);
  const n = fusedVars.length;
  for (let k = 1; k < theirs.length; k++) {
    const slot = k <= n ? 'm' : 'v';
    const variable = namedAfter[(k - 1) % n] as tf.Variable;
    assert.equal(ours[k]?.name, `${variable.name}/${slot}`, `${what}: saved name ${k}`);
    assertRelativelyEqual(ours[k]?.tensor.dataSync() as Float32Array, theirs[k]?.tensor.dataSync() as Float32Array, `${what} ${slot} of weight ${(k - 1) % n}`);
  }
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`fused Adam equals tf.train.adam over 6 steps (${backend}), gradients as a list and as a map`, async () => {
    await initBackend(backend);
    const rng = Rng.fromSeed(7);
    const [mine, theirs] = twinVariables(rng);
    const fused = adam(1e-2, 0.9, 0.999, 1e-8);
    const reference = tf.train.adam(1e-2, 0.9, 0.999, 1e-8);
    const initial = mine.map((v) => v.dataSync().slice());
    for (let step = 0; step < 6; step++) {
      stepBoth(rng, [[fused, mine], [reference, theirs]], step % 2 === 1);
      await assertSameState(fused, mine, reference, theirs, `step ${step + 1}`);
    }
    // The weights moved: the comparison above is not between two untouched copies.
    mine.forEach((v, i) => assert.ok(v.dataSync().some((x, j) => Math.abs(x - (initial[i]?.[j] ?? x)) > 1e-3), `weight ${i} moved`));
    assert.deepEqual(fused.getConfig(), reference.getConfig());
    assert.equal(fused.getClassName(), reference.getClassName());
    fused.dispose();
    reference.dispose();
    tf.dispose([...mine, ...theirs]);
  });

  test(`fused Adam resumes from tf.train.adam's saved state and vice versa, default epsilon (${backend})`, async () => {
    await initBackend(backend);
    const rng = Rng.fromSeed(11);
    const [mine, theirs] = twinVariables(rng);
    const first = tf.train.adam(3e-3);
    stepBoth(rng, [[first, theirs]], false);
    stepBoth(rng, [[first, theirs]], false);
    mine.forEach((v, i) => v.assign(theirs[i] as tf.Variable));
    // Each side loads the other's checkpoint (tf.train.adam's weight layout) and both step on.
    const fused = adam(3e-3);
    await fused.setWeights(await first.getWeights());
    const reference = tf.train.adam(3e-3);
    await reference.setWeights(await fused.getWeights());
    for (let step = 0; step < 3; step++) {
      stepBoth(rng, [[fused, mine], [reference, theirs]], false);
      await assertSameState(fused, mine, reference, theirs, `resumed step ${step + 1}`, theirs);
    }
    assert.equal(fused.iterations, 5);
    assert.equal(fused.epsilon, tf.backend().epsilon());
    [first, fused, reference].forEach((o) => o.dispose());
    tf.dispose([...mine, ...theirs]);
  });

  test(`a changed learningRate takes effect on the next step, as a tf.train.adam at the new rate would (${backend})`, async () => {
    await initBackend(backend);
    const rng = Rng.fromSeed(13);
    const [mine, theirs] = twinVariables(rng);
    const fused = adam(1e-2);
    const before = tf.train.adam(1e-2);
    stepBoth(rng, [[fused, mine], [before, theirs]], false);
    stepBoth(rng, [[fused, mine], [before, theirs]], false);
    // A schedule lowers the rate; the reference is a fresh tf.train.adam at the new rate, state carried over.
    fused.learningRate = 2e-3;
    const after = tf.train.adam(2e-3);
    await after.setWeights(await before.getWeights());
    // Loading recomputes beta^t by pow() (~1e-7 off the running product); reload ours alike so only the rate differs.
    await fused.setWeights(await fused.getWeights());
    for (let step = 0; step < 2; step++) {
      stepBoth(rng, [[fused, mine], [after, theirs]], false);
      await assertSameState(fused, mine, after, theirs, `after the change, step ${step + 1}`);
    }
    assert.equal(fused.getConfig()['learningRate'], 2e-3);
    [fused, before, after].forEach((o) => o.dispose());
    tf.dispose([...mine, ...theirs]);
  });

  test(`fused Adam runs one kernel per variable and leaves no tensors behind (${backend})`, async () => {
    await initBackend(backend);
    const rng = Rng.fromSeed(3);
    const [variables, spare] = twinVariables(rng);
    const optimizer = adam(1e-3);
    const grads = variables.map((v) => tf.randomNormal(v.shape, 0, 1, 'float32', 5));
    const apply = (): void => optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[i] as tf.Tensor })));
    apply(); // creates the moments
    const profile = await tf.profile(apply);
    assert.deepEqual(profile.kernels.map((k) => k.name), variables.map(() => ADAM_STEP));
    await assertNoGrowth(apply, 5, 'FusedAdam.applyGradients');
    optimizer.dispose();
    tf.dispose([...variables, ...spare, ...grads]);
  });
}

test("without the fused kernel, fused Adam runs tf.train.adam's own ops (equal results)", async () => {
  await initBackend('cpu');
  tf.unregisterKernel(ADAM_STEP, 'cpu');
  try {
    const rng = Rng.fromSeed(5);
    const [mine, theirs] = twinVariables(rng);
    const fused = adam(1e-2);
    const reference = tf.train.adam(1e-2);
    for (let step = 0; step < 3; step++) {
      stepBoth(rng, [[fused, mine], [reference, theirs]], false);
      await assertSameState(fused, mine, reference, theirs, `ops step ${step + 1}`);
    }
    const profile = await tf.profile(() => stepBoth(rng, [[fused, mine]], false));
    assert.ok(profile.kernels.length > 10 * SHAPES.length, `tf's op sequence: ${profile.kernels.length} kernels`);
    fused.dispose();
    reference.dispose();
    tf.dispose([...mine, ...theirs]);
  } finally {
    registerAdamStepKernels();
  }
});

test('an applyGradients entry that names no variable is an error', async () => {
  await initBackend('wasm');
  const optimizer = adam();
  assert.throws(() => optimizer.applyGradients({ 'no such variable': tf.zeros([2]) }), /no variable named 'no such variable'/);
  optimizer.dispose();
});
