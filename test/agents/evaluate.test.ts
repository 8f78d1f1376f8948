import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { evaluate } from '../../agents/evaluate.ts';
import { makeEnv } from '../../envs/index.ts';
import { initBackend } from '../../src/core/tensor/backend.ts';
import { assertNoLeakSync } from '../helpers/leakCheck.ts';
import { randomLinearPolicy } from '../helpers/linearPolicy.ts';

before(async () => {
  await initBackend('cpu');
});

const SHAPE: [number, number, number] = [8, 8, 4];

test('evaluate hands onLogits the logits of every step without changing the play, and leaks no tensors', () => {
  const policy = randomLinearPolicy(SHAPE, 3);
  const env = makeEnv('Pong-v0', { size: 8, maxEpisodeSteps: 40 });
  const seen: Float32Array[] = [];
  const plain = evaluate(policy, env, 2, 7);
  const hooked = assertNoLeakSync(() => evaluate(policy, env, 2, 7, { onLogits: (logits) => seen.push(Float32Array.from(logits)) }), 'evaluate with onLogits');
  assert.deepEqual(hooked.returns, plain.returns, 'reading the logits does not change the play');
  assert.equal(seen.length, hooked.lengths.reduce((a, b) => a + b, 0), 'one call per step');
  assert.ok(seen.every((logits) => logits.length === 3));
});
