import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { averageModelWeights } from '../../agents/averageWeights.ts';
import { FileError, UserError } from '../../src/core/errors.ts';
import { initBackend } from '../../src/core/tensor/backend.ts';
import { loadModel } from '../../src/core/tensor/fileIO.ts';
import { assertNoLeak } from '../helpers/leakCheck.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { saveTinyAgent } from '../helpers/tinyModel.ts';

const dir = tempDir('average-weights');
const snapshots = [join(dir, 'a'), join(dir, 'b'), join(dir, 'c')];
const fourActions = join(dir, 'four-actions');

before(async () => {
  await initBackend('cpu');
  for (const [i, snapshot] of snapshots.entries()) await saveTinyAgent(snapshot, 3, 10 * (i + 1));
  await saveTinyAgent(fourActions, 4, 1);
});

async function weightValues(dir: string): Promise<Float32Array[]> {
  const model = await loadModel(dir);
  const values = model.getWeights().map((weight) => weight.dataSync() as Float32Array);
  model.dispose();
  return values;
}

test('the average holds the element-wise mean of every weight of the snapshots', async () => {
  const each = await Promise.all(snapshots.map(weightValues));
  const averaged = await averageModelWeights(snapshots);
  const values = averaged.getWeights().map((weight) => weight.dataSync() as Float32Array);
  averaged.dispose();
  assert.equal(values.length, each[0]?.length);
  // Snapshots from different seeds differ (their kernels; biases start at zero), so a mean that ignored one would show.
  assert.ok(each[0]?.some((weight, w) => weight.some((x, i) => x !== each[1]?.[w]?.[i])), 'the snapshots differ');
  for (const [w, value] of values.entries()) {
    const parts = each.map((snapshot) => snapshot[w] as Float32Array);
    for (let i = 0; i < value.length; i++) {
      const expected = ((parts[0]?.[i] ?? 0) + (parts[1]?.[i] ?? 0) + (parts[2]?.[i] ?? 0)) / 3;
      assert.ok(Math.abs((value[i] ?? 0) - expected) < 1e-6, `weight ${w}[${i}]: ${value[i]} vs ${expected}`);
    }
  }
});

test('averaging leaves no tensors behind once the model is disposed', async () => {
  await assertNoLeak(async () => {
    const averaged = await averageModelWeights(snapshots.slice(0, 2));
    averaged.dispose();
  }, 'averageModelWeights');
});

test('snapshots of different architectures, or fewer than two, are refused in one line', async () => {
  await assert.rejects(
    assertNoLeak(() => averageModelWeights([snapshots[0] as string, fourActions]), 'a refused average'),
    (error: unknown) => error instanceof FileError && error.message.includes(join(fourActions, 'model.json')) && /only snapshots of one architecture/.test(error.message) && !error.message.includes('\n'),
  );
  await assert.rejects(averageModelWeights([snapshots[0] as string]), (error: unknown) => error instanceof UserError && /at least 2/.test(error.message));
});
