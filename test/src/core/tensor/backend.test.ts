import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../../../../src/core/errors.ts';
import { backendChoiceFromEnv, backendInfo, initBackend, parseBackendChoice } from '../../../../src/core/tensor/backend.ts';

test('backend choice comes from ADVGYM_BACKEND, defaults to auto, and rejects unknown names', () => {
  assert.equal(backendChoiceFromEnv({}), 'auto');
  assert.equal(backendChoiceFromEnv({ ADVGYM_BACKEND: 'WASM' }), 'wasm');
  assert.throws(() => backendChoiceFromEnv({ ADVGYM_BACKEND: 'gpu' }), (e: unknown) =>
    e instanceof UserError && /^ADVGYM_BACKEND: unknown backend 'gpu' \(expected one of auto, node, wasm, cpu\)$/.test(e.message));
  assert.throws(() => parseBackendChoice('tpu', '--backend'), { name: 'UserError', message: /^--backend: unknown backend 'tpu'/ });
});

test('auto picks tfjs-node when it loads, else wasm with the advgym kernels', async () => {
  const name = await initBackend('auto');
  assert.equal(tf.getBackend(), name);
  const info = backendInfo();
  assert.equal(info.requested, 'auto');
  if (name === 'wasm') {
    // tfjs-node is an optional dependency that cannot install offline: auto says why it skipped it.
    assert.match(info.skipped.join('\n'), /^node: /);
    assert.deepEqual(info.projectKernels, ['BatchMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'GatherV2', 'Identity', 'Maximum', 'Minimum', 'Sign']);
    assert.equal(info.wasmThreads, 1);
    assert.equal(typeof info.wasmSimd, 'boolean');
  } else {
    assert.equal(name, 'tensorflow');
  }
});

test('an explicit backend that cannot load is a one-line UserError; cpu and wasm switch', async () => {
  if (tf.findBackend('tensorflow') === null) {
    await assert.rejects(initBackend('node'), (e: unknown) => e instanceof UserError && /^backend 'node' is not available: /.test(e.message) && !e.message.includes('\n'));
  }
  assert.equal(await initBackend('cpu'), 'cpu');
  assert.equal(backendInfo().projectKernels.length, 0);
  assert.equal(await initBackend('wasm'), 'wasm');
  assert.equal(await initBackend('wasm'), 'wasm'); // idempotent
});
