import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { actorCriticGradient, type ActorCriticBatch } from '../../../agents/a3c/loss.ts';
import { buildActorCritic } from '../../../agents/networks.ts';
import { Rng } from '../../../src/core/rng.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { assertNoGrowth, assertNoLeakSync } from '../../helpers/leakCheck.ts';
import { assertClose } from '../../src/core/tensor/kernels/compare.ts';

before(async () => {
  await initBackend('cpu');
});

// A hand-weighted linear actor-critic on 2 inputs: logits = x Wp + bp, V = x Wv + bv.
const Wp = [
  [0.2, -0.1],
  [0.3, 0.4],
];
const bp = [0.1, -0.2];
const Wv = [0.5, -0.25];
const bv = 0.1;

function buildTinyActorCritic(): tfl.LayersModel {
  const input = tfl.input({ shape: [1, 1, 2] });
  const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  const policy = tfl.layers.dense({ units: 2, name: 'tiny_policy' }).apply(flat) as tfl.SymbolicTensor;
  const value = tfl.layers.dense({ units: 1, name: 'tiny_value' }).apply(flat) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: [policy, value] });
  tf.tidy(() => {
    model.getLayer('tiny_policy').setWeights([tf.tensor2d(Wp), tf.tensor1d(bp)]);
    model.getLayer('tiny_value').setWeights([tf.tensor2d(Wv, [2, 1]), tf.tensor1d([bv])]);
  });
  return model;
}

const xs = [
  [1, 0],
  [0.5, 2],
];
const actions = [1, 0];
const returns = [1, -0.5];
const advantages = [0.7, -0.3];
const weights = { entropyBeta: 0.01, valueLossCoef: 0.5 };

/** dL/dparams by hand: dL/dz_j = -(1[j=a] - p_j) A + beta p_j (log p_j + H), dL/dV = c_v (V - R). */
function analytic(): { grads: Map<string, number[]>; total: number } {
  const gWp = [0, 0, 0, 0];
  const gbp = [0, 0];
  const gWv = [0, 0];
  let gbv = 0;
  let total = 0;
  xs.forEach((x, n) => {
    const z = [0, 1].map((j) => (x[0] as number) * (Wp[0]?.[j] as number) + (x[1] as number) * (Wp[1]?.[j] as number) + (bp[j] as number));
    const m = Math.max(...z);
    const e = z.map((zj) => Math.exp(zj - m));
    const s = (e[0] as number) + (e[1] as number);
    const p = e.map((ej) => ej / s);
    const logp = p.map(Math.log);
    const H = -p.reduce((acc, pj, j) => acc + pj * (logp[j] as number), 0);
    const V = (x[0] as number) * (Wv[0] as number) + (x[1] as number) * (Wv[1] as number) + bv;
    const a = actions[n] as number;
    const A = advantages[n] as number;
    const R = returns[n] as number;
    total += -(logp[a] as number) * A - weights.entropyBeta * H + weights.valueLossCoef * 0.5 * (R - V) ** 2;
    [0, 1].forEach((j) => {
      const dz = -((j === a ? 1 : 0) - (p[j] as number)) * A + weights.entropyBeta * (p[j] as number) * ((logp[j] as number) + H);
      gbp[j] = (gbp[j] as number) + dz;
      [0, 1].forEach((i) => {
        gWp[i * 2 + j] = (gWp[i * 2 + j] as number) + (x[i] as number) * dz;
      });
    });
    const dV = weights.valueLossCoef * (V - R);
    gbv += dV;
    [0, 1].forEach((i) => {
      gWv[i] = (gWv[i] as number) + (x[i] as number) * dV;
    });
  });
  const grads = new Map([
    ['tiny_policy/kernel', gWp],
    ['tiny_policy/bias', gbp],
    ['tiny_value/kernel', gWv],
    ['tiny_value/bias', [gbv]],
  ]);
  return { grads, total };
}

for (const fusedGradient of [true, false]) {
  test(`the actor-critic gradient on a hand-weighted net equals the analytic gradient (${fusedGradient ? 'fused chain' : 'tf.variableGrads'})`, () => {
    const model = buildTinyActorCritic();
    const result = assertNoLeakSync(
      () =>
        actorCriticGradient(
          model,
          { observations: Float32Array.from(xs.flat()), actions: Int32Array.from(actions), returns: Float32Array.from(returns), advantages: Float32Array.from(advantages) },
          weights,
          { fusedGradient },
        ),
      'actorCriticGradient',
    );
    const expected = analytic();
    assert.ok(Math.abs(result.total - expected.total) < 1e-5, `loss ${result.total} != ${expected.total}`);
    // The flat gradient follows model.trainableWeights order.
    let offset = 0;
    for (const weight of model.trainableWeights) {
      const key = weight.originalName;
      const want = expected.grads.get(key);
      assert.ok(want !== undefined, `unexpected weight ${key}`);
      want.forEach((w, i) => {
        const got = result.gradient[offset + i] as number;
        assert.ok(Math.abs(got - w) < 1e-5, `${key}[${i}]: ${got} != ${w}`);
      });
      offset += want.length;
    }
    assert.equal(offset, result.gradient.length);
    model.dispose();
  });
}

test('a zero advantage leaves only entropy and value terms in the policy gradient', () => {
  const model = buildTinyActorCritic();
  const result = actorCriticGradient(model, { observations: Float32Array.from([1, 0]), actions: Int32Array.from([0]), returns: Float32Array.from([0.6]), advantages: Float32Array.from([0]) }, { entropyBeta: 0, valueLossCoef: 1 });
  // No advantage and no entropy bonus: the policy parameters get no gradient, the value head does.
  assert.ok(result.gradient.slice(0, 6).every((g) => Math.abs(g) < 1e-7));
  assert.ok(Math.abs((result.gradient[8] as number) - (0.6 - 0.6)) < 1e-6); // V(x) = 0.5 + 0.1 = 0.6 = R
  model.dispose();
});

/**
 * The fused chain gradient (agents/chainParameterGradient.ts, loss gradient in closed form in
 * float64) against tf.variableGrads through actorCriticLoss on the real A3C net: the flat gradient
 * within 1e-5 of its largest entry, the loss terms within 1e-5 relative (float64 vs float32 sums).
 * Advantages and returns are large enough that the policy, entropy and value terms all count.
 */
for (const backend of ['cpu', 'wasm'] as const) {
  test(`fused and tf.variableGrads actor-critic gradients agree on the A3C net (${backend}: batch ${backend === 'wasm' ? '1, 5 and 32 at 84x84' : '1 and 5 at 42x42'})`, async () => {
    await initBackend(backend);
    const size = backend === 'wasm' ? 84 : 42;
    const model = buildActorCritic([size, size, 4], 6, 11);
    const rng = Rng.fromSeed(backend === 'wasm' ? 61 : 62);
    const batches = backend === 'wasm' ? [1, 5, 32] : [1, 5];
    for (const n of batches) {
      const batch: ActorCriticBatch = {
        observations: Float32Array.from({ length: n * size * size * 4 }, () => rng.float()),
        actions: Int32Array.from({ length: n }, () => rng.int(0, 5)),
        returns: Float32Array.from({ length: n }, () => rng.uniform(-2, 2)),
        advantages: Float32Array.from({ length: n }, () => rng.uniform(-2, 2)),
      };
      const loss = { entropyBeta: 0.05, valueLossCoef: 0.5 };
      const fused = assertNoLeakSync(() => actorCriticGradient(model, batch, loss), 'fused actorCriticGradient');
      const taped = actorCriticGradient(model, batch, loss, { fusedGradient: false });
      const what = `${backend} batch ${n}`;
      assertClose(fused.gradient, taped.gradient, `${what} gradient`, 1e-5);
      for (const key of ['total', 'policyLoss', 'valueLoss', 'entropy'] as const) {
        assert.ok(Math.abs(fused[key] - taped[key]) <= 1e-5 * Math.max(1, Math.abs(taped[key])), `${what} ${key}: ${fused[key]} vs ${taped[key]}`);
      }
    }
    await assertNoGrowth(() => actorCriticGradient(model, { observations: new Float32Array(size * size * 4), actions: Int32Array.from([1]), returns: Float32Array.from([1]), advantages: Float32Array.from([1]) }, { entropyBeta: 0.01, valueLossCoef: 0.5 }), 3, `${backend} fused actorCriticGradient`);
    model.dispose();
  });
}
