import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { fgsm } from '../../../../src/lab/adversary/fgsm.ts';
import { pgd } from '../../../../src/lab/adversary/pgd.ts';
import { randomNoise } from '../../../../src/lab/adversary/randomNoise.ts';
import { deltaNorms } from '../../../../src/lab/adversary/norms.ts';
import { UserError } from '../../../../src/core/errors.ts';
import { Rng } from '../../../../src/core/rng.ts';
import { analyticDirection, linearPolicy } from '../../../helpers/linearPolicy.ts';
import { assertNoLeak } from '../../../helpers/leakCheck.ts';

before(async () => {
  await initBackend('cpu');
});

// obs [1, 2, 2, 2]: 8 values, channel (frame) index = i % 2; the newest frame is channel 1.
const shape: [number, number, number] = [2, 2, 2];
const weights = [
  [1, -2, 0.5],
  [0.3, 0.1, -1],
  [-0.7, 2, 0.2],
  [1.5, -0.4, 0.9],
  [0.2, 0.2, -0.3],
  [-1.1, 0.6, 0.8],
  [0.9, -1.3, 0.4],
  [-0.5, 0.7, -0.6],
];
const x = Array.from(Float32Array.from([0.5, 0.4, 0.6, 0.5, 0.45, 0.55, 0.5, 0.5])); // float32 values, as tensors hold them
const policy = linearPolicy(weights, shape);
const obs = (): tf.Tensor4D => tf.tensor4d(x, [1, 2, 2, 2]);
const ownAction = (): number => policy.act(obs())[0] ?? -1;

function run(options: Parameters<typeof fgsm>[2]): number[] {
  const input = obs();
  const out = fgsm(policy, input, options);
  const values = Array.from(out.dataSync());
  input.dispose();
  out.dispose();
  return values;
}

function close(actual: number[], expected: number[], tolerance = 1e-5): void {
  actual.forEach((v, i) => assert.ok(Math.abs(v - (expected[i] ?? NaN)) <= tolerance, `index ${i}: ${v} vs ${expected[i]}`));
}

test('linf FGSM equals eps * sign(analytic gradient), newest frame only (Huang)', () => {
  const g = analyticDirection(weights, x, ownAction(), false);
  const eps = 0.01;
  close(run({ eps, norm: 'linf' }), x.map((v, i) => (i % 2 === 1 ? v + eps * Math.sign(g[i] ?? 0) : v)));
  close(run({ eps, norm: 'linf', scope: 'all' }), x.map((v, i) => v + eps * Math.sign(g[i] ?? 0)));
});

test('l2 FGSM is eps * g / ||g||_2 over the scope: total radius eps', () => {
  const g = analyticDirection(weights, x, ownAction(), false).map((v, i) => (i % 2 === 1 ? v : 0));
  const length = Math.hypot(...g);
  const eps = 0.05;
  const out = run({ eps, norm: 'l2' });
  close(out, x.map((v, i) => v + (eps * (g[i] ?? 0)) / length));
  assert.ok(Math.abs(deltaNorms(Float32Array.from(x), Float32Array.from(out)).l2 - eps) < 1e-5);
});

test('l1 FGSM spends the budget on the largest-|g| coordinates first', () => {
  const g = analyticDirection(weights, x, ownAction(), false);
  const newest = [1, 3, 5, 7].sort((a, b) => Math.abs(g[b] ?? 0) - Math.abs(g[a] ?? 0));
  const out = run({ eps: 0.3, norm: 'l1' });
  const delta = out.map((v, i) => v - (x[i] ?? 0));
  const top = newest[0] ?? -1;
  assert.ok(Math.abs(Math.abs(delta[top] ?? 0) - 0.3) < 1e-5, 'all of a small budget goes to the top coordinate');
  assert.equal(Math.sign(delta[top] ?? 0), Math.sign(g[top] ?? 0));
  assert.equal(delta.filter((d) => d !== 0).length, 1);
  // A budget larger than one pixel's room spills to the next coordinate; the box holds.
  const big = run({ eps: 1.2, norm: 'l1' });
  assert.ok(big.every((v) => v >= 0 && v <= 1));
  assert.ok(Math.abs(deltaNorms(Float32Array.from(x), Float32Array.from(big)).l1 - 1.2) < 1e-5);
});

test('scope all: l2 and l1 FGSM match the analytic step over all frames; targeted linf follows -grad CE(target)', () => {
  const g = analyticDirection(weights, x, ownAction(), false);
  const eps = 0.05;
  close(run({ eps, norm: 'l2', scope: 'all' }), x.map((v, i) => v + (eps * (g[i] ?? 0)) / Math.hypot(...g)));
  // l1, budget below one pixel's room: all of it on the largest-|g| coordinate of the whole stack
  const top = g.reduce((best, v, i) => (Math.abs(v) > Math.abs(g[best] ?? 0) ? i : best), 0);
  close(run({ eps, norm: 'l1', scope: 'all' }), x.map((v, i) => (i === top ? v + eps * Math.sign(g[i] ?? 0) : v)));
  const target = (ownAction() + 2) % 3;
  const toward = analyticDirection(weights, x, target, true);
  close(run({ eps: 0.01, norm: 'linf', targetAction: target }), x.map((v, i) => (i % 2 === 1 ? v + 0.01 * Math.sign(toward[i] ?? 0) : v)));
});

test('results stay in [0,1], norms hold, quantize gives 8-bit levels', () => {
  for (const norm of ['linf', 'l2', 'l1'] as const) {
    const out = run({ eps: 0.9, norm, scope: 'all' });
    assert.ok(out.every((v) => v >= 0 && v <= 1), norm);
  }
  const out = run({ eps: 0.9, norm: 'linf', scope: 'all' });
  assert.ok(deltaNorms(Float32Array.from(x), Float32Array.from(out)).linf <= 0.9 + 1e-6);
  const quantized = run({ eps: 0.01, norm: 'linf', quantize: true });
  assert.ok(quantized.every((v) => Math.abs(v * 255 - Math.round(v * 255)) < 1e-4));
});

test('untargeted lowers the own action probability; targeted raises the target probability', () => {
  const probabilities = (values: number[]): number[] =>
    tf.tidy(() => Array.from(tf.softmax(policy.logits(tf.tensor4d(values, [1, 2, 2, 2]))).dataSync()));
  const own = ownAction();
  const before = probabilities(x);
  assert.ok((probabilities(run({ eps: 0.05, norm: 'linf', scope: 'all' }))[own] ?? 1) < (before[own] ?? 0));
  const target = (own + 1) % 3;
  assert.ok((probabilities(run({ eps: 0.05, norm: 'linf', scope: 'all', targetAction: target }))[target] ?? 0) > (before[target] ?? 1));
});

test('PGD never leaves the eps-ball, raises the loss, and with one full step equals FGSM', () => {
  const rng = Rng.fromSeed(3);
  const lossOfOwn = (values: number[]): number => tf.tidy(() => -Math.log(tf.softmax(policy.logits(tf.tensor4d(values, [1, 2, 2, 2]))).dataSync()[ownAction()] ?? 1));
  for (const [norm, eps] of [['linf', 0.05], ['l2', 0.1], ['l1', 0.2]] as const) {
    const input = obs();
    const out = pgd(policy, input, { eps, norm, scope: 'all', steps: 20, randomStart: true }, rng);
    const values = Array.from(out.dataSync());
    input.dispose();
    out.dispose();
    const size = deltaNorms(Float32Array.from(x), Float32Array.from(values))[norm];
    assert.ok(size <= eps + 1e-5, `${norm}: ${size} > ${eps}`);
    assert.ok(values.every((v) => v >= 0 && v <= 1));
    assert.ok(lossOfOwn(values) > lossOfOwn(x), `${norm}: PGD did not raise the loss`);
    const single = obs();
    const oneStep = pgd(policy, single, { eps, norm, scope: 'all', steps: 1, stepSize: eps });
    close(Array.from(oneStep.dataSync()), run({ eps, norm, scope: 'all' }));
    single.dispose();
    oneStep.dispose();
  }
});

test('random noise has the stated norm and scope, seeded', () => {
  for (const [norm, eps, key] of [['linf', 0.01, 'linf'], ['l2', 0.02, 'l2'], ['l1', 0.03, 'l1']] as const) {
    const input = obs();
    const a = randomNoise(input, { eps, norm }, Rng.fromSeed(1));
    const b = randomNoise(input, { eps, norm }, Rng.fromSeed(1));
    const values = Float32Array.from(a.dataSync());
    assert.deepEqual(values, Float32Array.from(b.dataSync()));
    assert.ok(Math.abs(deltaNorms(Float32Array.from(x), values)[key] - eps) < 1e-5, norm);
    assert.ok(values.every((v, i) => i % 2 === 1 || v === x[i]), `${norm}: only the newest frame changes`);
    [input, a, b].forEach((t) => t.dispose());
  }
});

test('bad options are one-line UserErrors naming the option', () => {
  const input = obs();
  assert.throws(() => fgsm(policy, input, { eps: -1, norm: 'linf' }), (e: Error) => e instanceof UserError && /eps/.test(e.message));
  assert.throws(() => fgsm(policy, input, { eps: 0.1, norm: 'l3' as 'l2' }), (e: Error) => e instanceof UserError && /norm/.test(e.message));
  assert.throws(() => fgsm(policy, input, { eps: 0.1, norm: 'linf', targetAction: 7 }), (e: Error) => e instanceof UserError && /targetAction/.test(e.message));
  assert.throws(() => pgd(policy, input, { eps: 0.1, norm: 'linf', steps: 0 }), (e: Error) => e instanceof UserError && /steps/.test(e.message));
  input.dispose();
});

test('attacks leave no tensors behind', async () => {
  const input = obs();
  await assertNoLeak(() => {
    fgsm(policy, input, { eps: 0.01, norm: 'l1' }).dispose();
    pgd(policy, input, { eps: 0.01, norm: 'l2', steps: 3, randomStart: true }, Rng.fromSeed(2)).dispose();
    randomNoise(input, { eps: 0.01, norm: 'linf' }, Rng.fromSeed(2)).dispose();
  });
  input.dispose();
});
