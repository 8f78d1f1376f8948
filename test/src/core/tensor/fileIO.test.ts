import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { FileError } from '../../../../src/core/errors.ts';
import { loadModel, loadOptimizer, saveModel, saveOptimizer } from '../../../../src/core/tensor/fileIO.ts';
import { assertNoLeak } from '../../../helpers/leakCheck.ts';
import { adam, FusedAdam } from '../../../../src/core/tensor/adam.ts';

function smallNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [12, 12, 2] });
  let y = tfl.layers.conv2d({ filters: 4, kernelSize: 4, strides: 2, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
  y = tfl.layers.flatten().apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.dense({ units: 8, activation: 'relu' }).apply(y) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 3 }).apply(y) as tfl.SymbolicTensor });
}

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'advgym-fileio-'));
const values = (model: tfl.LayersModel): Float32Array[] => model.getWeights().map((w) => w.dataSync() as Float32Array);

test('saveModel -> loadModel gives identical predictions, in the standard tfjs files', async () => {
  await initBackend('wasm');
  const dir = tempDir();
  try {
    const model = smallNet();
    const x = tf.randomUniform([5, 12, 12, 2], 0, 1, 'float32', 3);
    await saveModel(model, dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(json.weightsManifest[0]?.paths, ['./weights.bin']);
    assert.equal(readFileSync(join(dir, 'weights.bin')).byteLength, model.countParams() * 4);
    const loaded = await loadModel(dir);
    const expected = (model.predict(x) as tf.Tensor).dataSync();
    const actual = (loaded.predict(x) as tf.Tensor).dataSync();
    assert.deepEqual([...actual], [...expected]);
    model.dispose();
    loaded.dispose();
    x.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// 'fused adam' is advgym's Adam (src/core/tensor/adam.ts); both Adam kinds save one format and load as it.
const makeOptimizer = (kind: 'adam' | 'fused adam' | 'rmsprop'): tf.Optimizer =>
  kind === 'adam' ? tf.train.adam(1e-2) : kind === 'fused adam' ? adam(1e-2) : tf.train.rmsprop(1e-2, 0.99, 0.5, 0.1);

for (const kind of ['adam', 'fused adam', 'rmsprop'] as const) {
  test(`${kind} state round-trips: the next update after loading is identical`, async () => {
    await initBackend('wasm');
    const dir = tempDir();
    try {
      const model = smallNet();
      const optimizer = makeOptimizer(kind);
      const x = tf.randomUniform([4, 12, 12, 2], 0, 1, 'float32', 1);
      const target = tf.randomUniform([4, 3], 0, 1, 'float32', 2);
      const step = (m: tfl.LayersModel, o: tf.Optimizer): void => {
        o.minimize(() => tf.losses.huberLoss(target, m.predict(x) as tf.Tensor) as tf.Scalar)?.dispose();
      };
      step(model, optimizer);
      step(model, optimizer);
      await saveModel(model, dir);
      await saveOptimizer(optimizer, dir);
      const model2 = await loadModel(dir);
      const optimizer2 = await loadOptimizer(dir);
      assert.equal(optimizer2.getClassName(), optimizer.getClassName());
      if (kind !== 'rmsprop') assert.equal(optimizer2.constructor, FusedAdam, 'an Adam file loads as the fused Adam');
      step(model, optimizer);
      step(model2, optimizer2);
      const a = values(model);
      const b = values(model2);
      // RMSProp resumes bit for bit. Adam to float rounding only: on load tfjs recomputes beta^t with
      // pow() where a running optimizer multiplies step by step (~1e-7 relative difference).
      const tolerance = kind === 'rmsprop' ? 0 : 1e-6;
      a.forEach((w, i) => w.forEach((v, j) =>
        assert.ok(Math.abs((b[i]?.[j] ?? NaN) - v) <= tolerance, `weight ${i}[${j}] after the resumed step: ${b[i]?.[j]} vs ${v}`)));
      // A fresh optimizer (no state) would give a different step: the test can tell them apart.
      const model3 = await loadModel(dir);
      step(model3, makeOptimizer(kind));
      const fresh = values(model3)[0] as Float32Array;
      assert.ok(fresh.some((v, j) => Math.abs(v - (a[0]?.[j] ?? NaN)) > 1e-4), 'a fresh optimizer should step differently');
      tf.dispose([x, target]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

for (const kind of ['adam', 'fused adam', 'rmsprop'] as const) {
  test(`${kind}: saveOptimizer and loadOptimizer (then dispose) leave no tensor behind`, async () => {
    await initBackend('wasm');
    const dir = tempDir();
    try {
      const model = smallNet();
      const optimizer = makeOptimizer(kind);
      const x = tf.randomUniform([4, 12, 12, 2], 0, 1, 'float32', 1);
      optimizer.minimize(() => tf.mean(tf.square(model.predict(x) as tf.Tensor)) as tf.Scalar)?.dispose();
      // Each checkpoint once kept the step-count tensor, each load every decoded slot.
      await assertNoLeak(() => saveOptimizer(optimizer, dir), 'saveOptimizer');
      await assertNoLeak(async () => (await loadOptimizer(dir)).dispose(), 'loadOptimizer + dispose');
      tf.dispose([x]);
      optimizer.dispose();
      model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('missing and corrupt files are one-line FileErrors naming the path', async () => {
  await initBackend('wasm');
  const dir = tempDir();
  const oneLine = (path: string, reason: RegExp) => (e: unknown): boolean =>
    e instanceof FileError && e.path === path && !e.message.includes('\n') && e.message.startsWith(`${path}: `) && reason.test(e.message);
  try {
    await assert.rejects(loadModel(dir), oneLine(join(dir, 'model.json'), /file not found/));
    await assert.rejects(loadOptimizer(dir), oneLine(join(dir, 'optimizer.json'), /file not found/));
    const model = smallNet();
    await saveModel(model, dir);
    await saveOptimizer(tf.train.adam(), dir);
    assert.ok(!existsSync(join(dir, '.model.json.tmp')));

    const weights = readFileSync(join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'weights.bin'), weights.subarray(0, 100));
    await assert.rejects(loadModel(dir), oneLine(join(dir, 'weights.bin'), /holds 100 bytes .* describes \d+/));
    rmSync(join(dir, 'weights.bin'));
    await assert.rejects(loadModel(dir), oneLine(join(dir, 'weights.bin'), /file not found/));

    writeFileSync(join(dir, 'model.json'), '{"modelTopology": ');
    await assert.rejects(loadModel(dir), oneLine(join(dir, 'model.json'), /corrupt JSON/));
    writeFileSync(join(dir, 'model.json'), '{"weightsManifest": []}');
    await assert.rejects(loadModel(dir), oneLine(join(dir, 'model.json'), /no modelTopology/));
    writeFileSync(join(dir, 'optimizer.json'), '[]');
    await assert.rejects(loadOptimizer(dir), oneLine(join(dir, 'optimizer.json'), /not an advgym optimizer file/));
    model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('model.json carries the sha256 of weights.bin: right-sized garbage fails on load, folders without the hash still load', async () => {
  await initBackend('wasm');
  const dir = tempDir();
  try {
    const model = smallNet();
    await saveModel(model, dir);
    const jsonPath = join(dir, 'model.json');
    const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as { weightsSha256?: string };
    assert.match(json.weightsSha256 ?? '', /^[0-9a-f]{64}$/);
    const weights = readFileSync(join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weights.byteLength).fill(7));
    await assert.rejects(loadModel(dir), (error: unknown) => error instanceof FileError && error.exitCode === 2 && /weights\.bin: content does not match the sha256 in model\.json/.test(error.message));
    delete json.weightsSha256;
    writeFileSync(jsonPath, JSON.stringify(json));
    (await loadModel(dir)).dispose(); // an older folder: no hash, no check
    model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the committed models carry a sha256 that matches their weights.bin', async () => {
  const { createHash } = await import('node:crypto');
  const { readdirSync } = await import('node:fs');
  for (const name of readdirSync('models')) {
    const json = JSON.parse(readFileSync(join('models', name, 'model.json'), 'utf8')) as { weightsSha256?: string };
    const digest = createHash('sha256').update(readFileSync(join('models', name, 'weights.bin'))).digest('hex');
    assert.equal(json.weightsSha256, digest, name);
  }
});
