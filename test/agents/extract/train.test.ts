/**
 * Extraction end to end on the Dot env: a victim whose logits and gradient throw is extracted
 * through the counting oracle to high agreement with few queries, deterministically, leaving no
 * tensors; agent.json counts the queries exactly.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { parseExtractConfig, type ExtractConfigInput } from '../../../agents/extract/config.ts';
import { extractModel } from '../../../agents/extract/train.ts';
import { roundBudget } from '../../../agents/extract/training.ts';
import { loadPolicy } from '../../../agents/loadPolicy.ts';
import type { TrainingProgress } from '../../../agents/training/progress.ts';
import { FieldError } from '../../../src/core/errors.ts';
import { initBackend } from '../../../src/core/tensor/backend.ts';
import { tempDir } from '../../helpers/tempDir.ts';
import { DotEnv } from '../dqn/dotEnv.ts';
import { dotVictim } from './dotVictim.ts';

await initBackend('wasm');
const quiet: TrainingProgress = { update: () => undefined, log: () => undefined, stop: () => undefined };

const SMALL: ExtractConfigInput = {
  env: 'Dot-v0',
  queries: 600,
  rounds: 4,
  updatesPerRound: 80,
  batchSize: 16,
  learningRate: 1e-3,
  lambda: 8 / 255,
  heldOutEpisodes: 20,
  evalEpisodes: 2,
  // Papernot's recipe (Jacobian points and the substitute's own play), not the play-only default.
  jacobianFraction: 0.5,
  oracleActs: 0,
};

async function extractDot(overrides: ExtractConfigInput = {}): Promise<{ out: string; victimRows: number; result: Awaited<ReturnType<typeof extractModel>> }> {
  const out = tempDir('extract');
  const victim = dotVictim();
  const result = await extractModel(parseExtractConfig({ ...SMALL, ...overrides }), out, { victim, makeEnv: () => new DotEnv(), progress: quiet });
  return { out, victimRows: victim.rowsActed, result };
}

test('a Dot victim whose logits throw is extracted to ≥ 90% agreement with 600 queries; the count is exact; no tensors left', async () => {
  const before = tf.memory().numTensors;
  const { out, victimRows, result } = await extractDot();
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  const agent = JSON.parse(readFileSync(join(out, 'agent.json'), 'utf8')) as Record<string, unknown>;
  const heldOut = agent['agreement'] as { heldOut: number; states: number };
  assert.equal(agent['algorithm'], 'extract');
  assert.equal(agent['queries'], 600);
  assert.equal(result.queries, 600);
  // The victim's act() saw the 600 queries and, once each, the held-out states of its own play (the evaluator's, not the attacker's).
  assert.equal(victimRows, 600 + heldOut.states);
  assert.equal(heldOut.states, 20 * 12);
  assert.deepEqual(agent['dataSources'], { randomPlay: 150, jacobian: 225, substitutePlay: 225, oracleActed: 0 });
  assert.ok(heldOut.heldOut >= 0.9, `agreement ${heldOut.heldOut}`);
  const rows = readFileSync(join(out, 'training.csv'), 'utf8').trim().split('\n');
  assert.equal(rows[0], 'step,round,queries,lambda,loss,batchAccuracy,agreement,wallSeconds');
  assert.deepEqual(rows.slice(1).map((row) => row.split(',').slice(0, 3).join(',')), ['80,0,150', '160,1,300', '240,2,450', '320,3,600']);
  // A normal model folder: loadPolicy reads it, so it serves as an experiment's substitute.
  const substitute = await loadPolicy(out);
  assert.equal(substitute.actionCount, 3);
});

test('the same seed extracts the same substitute (weights and agreement curve); another seed another', async () => {
  const a = await extractDot({ queries: 200, rounds: 2, updatesPerRound: 20, evalEpisodes: 0, heldOutEpisodes: 2 });
  const b = await extractDot({ queries: 200, rounds: 2, updatesPerRound: 20, evalEpisodes: 0, heldOutEpisodes: 2 });
  const c = await extractDot({ queries: 200, rounds: 2, updatesPerRound: 20, evalEpisodes: 0, heldOutEpisodes: 2, seed: 1 });
  const weights = (dir: string): Buffer => readFileSync(join(dir, 'weights.bin'));
  assert.ok(weights(a.out).equals(weights(b.out)));
  assert.deepEqual(a.result.curve.map((p) => p.agreement), b.result.curve.map((p) => p.agreement));
  assert.ok(!weights(a.out).equals(weights(c.out)));
});

test("oracleActs (DAgger's β): play executes the oracle's answers, every one counted once as a query", async () => {
  const { out, victimRows, result } = await extractDot({ queries: 200, rounds: 2, updatesPerRound: 20, evalEpisodes: 0, heldOutEpisodes: 2, jacobianFraction: 0, oracleActs: 1 });
  const agent = JSON.parse(readFileSync(join(out, 'agent.json'), 'utf8')) as Record<string, unknown>;
  const heldOut = agent['agreement'] as { states: number };
  assert.equal(result.queries, 200);
  assert.equal(victimRows, 200 + heldOut.states, 'acting on an answer spends no query beyond the one that labelled the state');
  assert.deepEqual(agent['dataSources'], { randomPlay: 100, jacobian: 0, substitutePlay: 100, oracleActed: 200 });
  const half = await extractDot({ queries: 200, rounds: 2, updatesPerRound: 20, evalEpisodes: 0, heldOutEpisodes: 2, jacobianFraction: 0, oracleActs: 0.5 });
  const acted = (JSON.parse(readFileSync(join(half.out, 'agent.json'), 'utf8')) as { dataSources: { oracleActed: number } }).dataSources.oracleActed;
  assert.ok(acted > 60 && acted < 140, `about half of 200 play steps acted on by the oracle: ${acted}`);
  assert.equal(half.result.queries, 200);
});

test('the budget is split evenly over the rounds, the first rounds taking the remainder', () => {
  assert.deepEqual([0, 1, 2].map((round) => roundBudget(10, 3, round)), [4, 3, 3]);
  assert.deepEqual([0, 1, 2, 3].map((round) => roundBudget(600, 4, round)), [150, 150, 150, 150]);
});

test('the config is strict and needs at least one query per round', () => {
  assert.throws(() => parseExtractConfig({ querys: 5 }), (error: unknown) => error instanceof FieldError && error.field === 'querys');
  assert.throws(() => parseExtractConfig({ queries: 3, rounds: 4 }), (error: unknown) => error instanceof FieldError && error.field === 'queries');
  assert.throws(() => parseExtractConfig({ lambda: 1.5 }), (error: unknown) => error instanceof FieldError && error.field === 'lambda');
});
