import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { readFlatWeights } from '../../../agents/a3c/sharedParams.ts';
import { traceChainNet } from '../../../agents/chainParameterGradient.ts';
import { buildPolicyNetwork } from '../../../agents/networks.ts';
import { FisherVectorProduct } from '../../../agents/trpo/fisherVectorProduct.ts';
import { Rng } from '../../../src/core/rng.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';

await initBackend('wasm');

test('the Fisher-vector product equals the explicit Hessian of the mean KL times v (tiny net, at theta_old)', () => {
  const rng = Rng.fromSeed(5);
  const model = buildPolicyNetwork([1, 1, 3], 3, 9, 'mlp');
  const net = traceChainNet(model);
  assert.ok(net !== undefined);
  const rows = 6;
  const obs = tf.tensor4d(Float32Array.from({ length: rows * 3 }, () => rng.normal()), [rows, 1, 1, 3]);
  const theta = readFlatWeights(model);
  const v = Float64Array.from({ length: theta.length }, () => rng.normal());
  // The policy head's weights (init stddev 0.01) scaled up, so p is far from uniform.
  const kernelShapes = net.variables.map((w) => w.read().shape);
  const sizes = kernelShapes.map((s) => s.reduce((a, b) => a * b, 1));
  const headStart = (sizes[0] as number) + (sizes[1] as number);
  const scaled = Float32Array.from(theta, (x, i) => (i >= headStart && i < headStart + (sizes[2] as number) ? x * 100 : x));
  const fvp = (() => {
    let o = 0;
    tf.tidy(() => net.variables.forEach((w, i) => {
      w.write(tf.tensor(scaled.slice(o, o + (sizes[i] as number)), kernelShapes[i]));
      o += sizes[i] as number;
    }));
    const fisher = new FisherVectorProduct(net, obs, 0);
    const out = fisher.product(v);
    fisher.dispose();
    return out;
  })();

  // Reference: the same net written out in float64, the Hessian of the mean KL(pi_old || pi_theta)
  // at theta_old times v by central second differences (a tape's double backward is not what is
  // under test, and tfjs does not record the inner gradient of tf.grad for a second pass).
  const x = obs.dataSync();
  const hidden = sizes[1] as number;
  const logitsOf = (p: Float64Array, row: number): number[] => {
    const out = [0, 0, 0];
    const w2 = (sizes[0] as number) + hidden;
    const b2 = w2 + hidden * 3;
    for (let h = 0; h < hidden; h++) {
      let z = p[(sizes[0] as number) + h] as number;
      for (let i = 0; i < 3; i++) z += (x[row * 3 + i] as number) * (p[i * hidden + h] as number);
      const a = Math.max(0, z);
      for (let j = 0; j < 3; j++) out[j] = (out[j] as number) + a * (p[w2 + h * 3 + j] as number);
    }
    return out.map((o, j) => o + (p[b2 + j] as number));
  };
  const logSoftmax = (z: number[]): number[] => {
    const m = Math.max(...z);
    const l = m + Math.log(z.reduce((s, zj) => s + Math.exp(zj - m), 0));
    return z.map((zj) => zj - l);
  };
  const old = Float64Array.from(scaled);
  const oldLogP = Array.from({ length: rows }, (_, r) => logSoftmax(logitsOf(old, r)));
  const meanKl = (p: Float64Array): number => {
    let total = 0;
    for (let r = 0; r < rows; r++) {
      const lq = logSoftmax(logitsOf(p, r));
      (oldLogP[r] as number[]).forEach((lp, j) => (total += Math.exp(lp) * (lp - (lq[j] as number))));
    }
    return total / rows;
  };
  const a = 1e-4;
  const b = 1e-4;
  const at = (i: number, si: number, sv: number): number => meanKl(Float64Array.from(old, (t, k) => t + (k === i ? si * a : 0) + sv * b * (v[k] as number)));
  const hv = Float64Array.from({ length: old.length }, (_, i) => (at(i, 1, 1) - at(i, 1, -1) - at(i, -1, 1) + at(i, -1, -1)) / (4 * a * b));
  const scale = Math.max(...Array.from(hv, Math.abs));
  assert.ok(scale > 1e-3, 'the Hessian-vector product must not be trivially zero');
  hv.forEach((h, i) => assert.ok(Math.abs(h - (fvp[i] as number)) < 1e-3 * scale, `(Hv)[${i}] = ${h}, Fisher product ${fvp[i]}`));
  obs.dispose();
  model.dispose();
});

test('damping adds d * v', () => {
  const model = buildPolicyNetwork([1, 1, 3], 3, 1, 'mlp');
  const net = traceChainNet(model);
  assert.ok(net !== undefined);
  const obs = tf.ones([2, 1, 1, 3]);
  const v = Float64Array.from({ length: readFlatWeights(model).length }, (_, i) => Math.sin(i));
  const plain = new FisherVectorProduct(net, obs, 0);
  const damped = new FisherVectorProduct(net, obs, 0.1);
  const a = plain.product(v);
  const b = damped.product(v);
  a.forEach((x, i) => assert.ok(Math.abs((b[i] as number) - x - 0.1 * (v[i] as number)) < 1e-6));
  plain.dispose();
  damped.dispose();
  obs.dispose();
  model.dispose();
});
