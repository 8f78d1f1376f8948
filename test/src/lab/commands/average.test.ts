import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { runAverage } from '../../../../src/lab/commands/average.ts';
import { runEvaluate } from '../../../../src/lab/commands/evaluate.ts';
import { FileError, UserError } from '../../../../src/core/errors.ts';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { tempDir } from '../../../helpers/tempDir.ts';
import { saveTinyAgent } from '../../../helpers/tinyModel.ts';

const dir = tempDir('average');
const snapshots = [join(dir, 'step-1'), join(dir, 'step-2')];
const shortMatches = { game: { pointsToWin: 2 } };

/** A tiny agent folder whose agent.json describes a snapshot of a run on 2-point Pong matches. */
async function snapshot(path: string, seed: number, fields: Record<string, unknown> = {}): Promise<void> {
  await saveTinyAgent(path, 3, seed);
  const agentPath = join(path, 'agent.json');
  const agent = JSON.parse(readFileSync(agentPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(agentPath, JSON.stringify({ ...agent, env: { id: 'Pong-v0', options: shortMatches }, ...fields }));
}

before(async () => {
  await initBackend('wasm');
  await snapshot(snapshots[0] as string, 1, { trainedSteps: 100, weights: 'checkpoint', evaluation: { meanReturn: 1 } });
  await snapshot(snapshots[1] as string, 7, { trainedSteps: 200, weights: 'checkpoint', evaluation: { meanReturn: 2 } });
  writeFileSync(join(snapshots[1] as string, 'config.json'), JSON.stringify({ totalSteps: 200 }));
});

test('average writes a graded model folder that evaluates as its agent.json says', async () => {
  const out = join(dir, 'averaged');
  const report = await runAverage({ models: snapshots, out, episodes: 2, seed: 3, backend: 'wasm' });
  assert.deepEqual(readdirSync(out).sort(), ['agent.json', 'config.json', 'model.json', 'weights.bin']);
  const agent = JSON.parse(readFileSync(join(out, 'agent.json'), 'utf8')) as Record<string, any>;
  assert.equal(agent['weights'], 'mean of 2 snapshots');
  assert.deepEqual(agent['averagedFrom'], snapshots);
  // The latest snapshot's description, with its own grade replaced by the average's.
  assert.equal(agent['trainedSteps'], 200);
  assert.deepEqual(agent['env'], { id: 'Pong-v0', options: shortMatches });
  assert.equal(readFileSync(join(out, 'config.json'), 'utf8'), JSON.stringify({ totalSteps: 200 }));
  const graded = await runEvaluate({ model: out, episodes: 2, seed: 3, backend: 'wasm' });
  assert.deepEqual(agent['evaluation'].returns, graded.returns);
  assert.equal(agent['evaluation'].meanReturn, report.meanReturn);
  assert.equal(agent['evaluation'].seed, 3);
  assert.equal(agent['randomBaseline'].meanReturn, graded.random.meanReturn);
});

test('average refuses an existing --out without --force, and leaves it as it was', async () => {
  const out = join(dir, 'existing');
  await snapshot(out, 3);
  const before = readFileSync(join(out, 'weights.bin'));
  await assert.rejects(runAverage({ models: snapshots, out, episodes: 1, seed: 0, backend: 'wasm' }), (error: unknown) => error instanceof UserError && error.exitCode === 2 && /--out: .* already exists; pass --force/.test(error.message));
  assert.deepEqual(readFileSync(join(out, 'weights.bin')), before);
  await runAverage({ models: snapshots, out, episodes: 1, seed: 0, force: true, backend: 'wasm' });
  assert.notDeepEqual(readFileSync(join(out, 'weights.bin')), before);
});

test('average names the bad flag or the disagreeing snapshot in one line and writes nothing', async () => {
  const otherGame = join(dir, 'other-game');
  await snapshot(otherGame, 5, { env: { id: 'Pong-v0', options: { game: { pointsToWin: 3 } } } });
  const out = join(dir, 'not-written');
  await assert.rejects(runAverage({ models: [snapshots[0] as string, otherGame], out, episodes: 1, seed: 0 }), (error: unknown) => error instanceof FileError && error.message.includes(join(otherGame, 'agent.json')));
  await assert.rejects(runAverage({ models: [snapshots[0] as string], out, episodes: 1, seed: 0 }), /at least 2 model folders/);
  await assert.rejects(runAverage({ models: snapshots, out, episodes: 0, seed: 0 }), /--episodes: Too small: expected number to be >=1, got 0/);
  await assert.rejects(runAverage({ models: snapshots, out, episodes: 1, seed: 1.5 }), /--seed: must be an integer/);
  await assert.rejects(runAverage({ models: [snapshots[0] as string, join(dir, 'missing')], out, episodes: 1, seed: 0 }), (error: unknown) => error instanceof FileError && error.message.includes(join(dir, 'missing', 'agent.json')));
  assert.equal(existsSync(out), false);
});
