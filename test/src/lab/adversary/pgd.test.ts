import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { fgsm } from '../../../../src/lab/adversary/fgsm.ts';
import { pgd } from '../../../../src/lab/adversary/pgd.ts';
import { deltaNorms } from '../../../../src/lab/adversary/norms.ts';
import type { Norm } from '../../../../src/lab/adversary/types.ts';
import { LayersPolicy } from '../../../../agents/layersPolicy.ts';
import { Rng } from '../../../../src/core/rng.ts';

before(async () => {
  await initBackend('cpu');
});

const SHAPE = [8, 8, 4] as const;

function convNet(seed: number): LayersPolicy {
  return new LayersPolicy(
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [...SHAPE], filters: 6, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tfl.initializers.glorotNormal({ seed }) }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tfl.initializers.glorotNormal({ seed: seed + 1 }) }),
        tfl.layers.dense({ units: 4, kernelInitializer: tfl.initializers.glorotNormal({ seed: seed + 2 }) }),
      ],
    }),
  );
}

/** Per-row cross-entropy of the clean greedy action: what the untargeted attacks increase. */
function lossOfClean(policy: LayersPolicy, clean: tf.Tensor4D, attacked: tf.Tensor4D): number[] {
  return tf.tidy(() => {
    const labels = tf.oneHot(tf.argMax(policy.logits(clean), 1) as tf.Tensor1D, policy.actionCount);
    return Array.from(tf.losses.softmaxCrossEntropy(labels, policy.logits(attacked), undefined, undefined, tf.Reduction.NONE).dataSync());
  });
}

const BUDGETS: [Norm, number][] = [['linf', 0.03], ['l2', 0.3], ['l1', 1]];

// On a net this close to linear, one FGSM step is already near the best point of the ball, so this
// is a tight check: before PGD returned its best iterate, its last iterate fell just below FGSM on
// some rows (linf by 6e-5, l1 by up to 0.3% of the loss).
test('PGD-20 is at least as strong as FGSM, per observation and norm, on a small conv net', () => {
  const policy = convNet(11);
  const obs = tf.randomUniform([4, ...SHAPE], 0, 1, 'float32', 12) as tf.Tensor4D;
  for (const [norm, eps] of BUDGETS) {
    const oneStep = fgsm(policy, obs, { eps, norm, scope: 'all' });
    const iterated = pgd(policy, obs, { eps, norm, scope: 'all', steps: 20 });
    const fgsmLoss = lossOfClean(policy, obs, oneStep);
    const pgdLoss = lossOfClean(policy, obs, iterated);
    const cleanLoss = lossOfClean(policy, obs, obs);
    fgsmLoss.forEach((l, i) => {
      assert.ok((pgdLoss[i] ?? -1) >= l - 1e-5, `${norm} row ${i}: PGD ${pgdLoss[i]} < FGSM ${l}`);
      assert.ok((pgdLoss[i] ?? -1) > (cleanLoss[i] ?? 0), `${norm} row ${i}: PGD did not raise the loss`);
    });
    oneStep.dispose();
    iterated.dispose();
  }
  obs.dispose();
  policy.model.dispose();
});

test('PGD stays in the eps-ball and [0,1] for every row, leaves older frames alone, and is seeded', () => {
  const policy = convNet(21);
  const obs = tf.randomUniform([2, ...SHAPE], 0, 1, 'float32', 22) as tf.Tensor4D;
  const clean = obs.dataSync() as Float32Array;
  const size = SHAPE[0] * SHAPE[1] * SHAPE[2];
  for (const [norm, eps] of BUDGETS) {
    const options = { eps, norm, steps: 8, stepSize: eps, randomStart: true } as const; // big steps push on the boundary
    const a = pgd(policy, obs, options, Rng.fromSeed(4));
    const b = pgd(policy, obs, options, Rng.fromSeed(4));
    const values = a.dataSync() as Float32Array;
    assert.deepEqual(values, b.dataSync(), `${norm}: same seed, same result`);
    for (let row = 0; row < 2; row++) {
      const cleanRow = clean.subarray(row * size, (row + 1) * size);
      const attackedRow = values.subarray(row * size, (row + 1) * size);
      const size_ = deltaNorms(cleanRow, attackedRow)[norm];
      assert.ok(size_ <= eps * (1 + 1e-5) + 1e-6, `${norm} row ${row}: |delta| ${size_} > ${eps}`);
      assert.ok(size_ > 0, `${norm} row ${row}: PGD moved`);
      assert.ok(attackedRow.every((v) => v >= 0 && v <= 1));
      assert.ok(attackedRow.every((v, i) => i % 4 === 3 || v === cleanRow[i]), `${norm}: only the newest frame changes`);
    }
    a.dispose();
    b.dispose();
  }
  const quantized = pgd(policy, obs, { eps: 0.05, norm: 'linf', steps: 3, quantize: true });
  assert.ok(Array.from(quantized.dataSync()).every((v) => Math.abs(v * 255 - Math.round(v * 255)) < 1e-4));
  quantized.dispose();
  obs.dispose();
  policy.model.dispose();
});

test('targeted PGD raises the target probability at least as much as targeted FGSM', () => {
  const policy = convNet(31);
  const obs = tf.randomUniform([1, ...SHAPE], 0, 1, 'float32', 32) as tf.Tensor4D;
  const own = policy.act(obs)[0] ?? 0;
  const target = (own + 1) % policy.actionCount;
  const probability = (x: tf.Tensor4D): number => tf.tidy(() => tf.softmax(policy.logits(x)).dataSync()[target] ?? NaN);
  const oneStep = fgsm(policy, obs, { eps: 0.05, norm: 'linf', scope: 'all', targetAction: target });
  const iterated = pgd(policy, obs, { eps: 0.05, norm: 'linf', scope: 'all', targetAction: target, steps: 20 });
  assert.ok(probability(oneStep) > probability(obs));
  assert.ok(probability(iterated) >= probability(oneStep) - 1e-6);
  [obs, oneStep, iterated].forEach((t) => t.dispose());
  policy.model.dispose();
});

test('PGD restarts: per row at least as strong as one run (run 0 is the same run), in the ball, seeded, no leaks; R > 1 needs an rng', () => {
  const policy = convNet(41);
  const obs = tf.randomUniform([3, ...SHAPE], 0, 1, 'float32', 42) as tf.Tensor4D;
  const clean = obs.dataSync() as Float32Array;
  for (const loss of ['ce', 'margin'] as const) {
    const options = { eps: 0.03, norm: 'linf', scope: 'all', steps: 5, loss } as const;
    const lossOf = (x: tf.Tensor4D): number[] =>
      tf.tidy(() => {
        const labels = Array.from(tf.argMax(policy.logits(obs), 1).dataSync());
        const z = policy.logits(x).arraySync() as number[][];
        return z.map((row, i) => {
          const own = row[labels[i] ?? 0] ?? 0;
          return loss === 'margin' ? Math.max(...row.filter((_, a) => a !== labels[i])) - own : Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - own;
        });
      });
    const single = pgd(policy, obs, options, Rng.fromSeed(5));
    const three = pgd(policy, obs, { ...options, restarts: 3 }, Rng.fromSeed(5));
    const again = pgd(policy, obs, { ...options, restarts: 3 }, Rng.fromSeed(5));
    assert.deepEqual(three.dataSync(), again.dataSync(), `${loss}: seeded`);
    const [a, b] = [lossOf(single), lossOf(three)];
    a.forEach((value, i) => assert.ok((b[i] ?? -Infinity) >= value - 1e-5, `${loss} row ${i}: 3 restarts ${b[i]} < 1 run ${value}`));
    (three.dataSync() as Float32Array).forEach((v, i) => assert.ok(v >= 0 && v <= 1 && Math.abs(v - (clean[i] as number)) <= 0.03 + 1e-6, `${loss}: value ${i} outside the ball`));
    tf.dispose([single, three, again]);
  }
  assert.throws(() => pgd(policy, obs, { eps: 0.03, norm: 'linf', steps: 2, restarts: 2 }), /restarts > 1 needs an rng/);
  const before = tf.memory().numTensors;
  pgd(policy, obs, { eps: 0.03, norm: 'linf', steps: 2, restarts: 3, randomStart: true }, Rng.fromSeed(1)).dispose();
  assert.equal(tf.memory().numTensors, before, 'restarts leave no tensors');
  obs.dispose();
  policy.model.dispose();
});
