/** The attacker's label oracle: actions only (from act()), every observation counted, the budget enforced. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { countingOracle, QueryBudgetError } from '../../../agents/extract/oracle.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { DOT_SHAPE, DotEnv } from '../dqn/dotEnv.ts';
import { dotVictim } from './dotVictim.ts';

await initBackend('wasm');

function observations(count: number): tf.Tensor4D {
  const env = new DotEnv();
  const rows: Float32Array[] = [];
  let { observation } = env.reset({ seed: 3 });
  for (let i = 0; i < count; i++) {
    rows.push(observation);
    observation = env.step(i % 3).observation;
  }
  const size = rows[0]?.length ?? 0;
  const flat = new Float32Array(count * size);
  rows.forEach((row, i) => flat.set(row, i * size));
  return tf.tensor4d(flat, [count, ...DOT_SHAPE]);
}

test('the oracle answers with the victim\'s act() alone (its logits and gradient throw) and counts each observation once', () => {
  const victim = dotVictim();
  const oracle = countingOracle(victim, 100);
  const three = observations(3);
  const five = observations(5);
  const expected = victim.act(five);
  assert.deepEqual(oracle(three).length, 3);
  assert.equal(oracle.queries, 3);
  assert.deepEqual(oracle(five), expected);
  assert.equal(oracle.queries, 8);
  three.dispose();
  five.dispose();
});

test('the oracle is a function exposing no logits, gradient or model: only its count and budget', () => {
  const oracle = countingOracle(dotVictim(), 10);
  assert.equal(typeof oracle, 'function');
  assert.deepEqual(Object.keys(oracle).sort(), ['budget', 'queries']);
  for (const secret of ['logits', 'inputGradient', 'model', 'act']) assert.equal(secret in oracle, false, secret);
});

test('a batch that would cross the budget is refused whole: the victim never sees it and nothing is counted', () => {
  const victim = dotVictim();
  const oracle = countingOracle(victim, 6);
  const four = observations(4);
  oracle(four);
  assert.throws(() => oracle(four), QueryBudgetError);
  assert.equal(oracle.queries, 4);
  assert.equal(victim.rowsActed, 4);
  four.dispose();
});
