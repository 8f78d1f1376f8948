import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PREFERENCE_PERCENTILES, runEvaluate } from '../../../../src/lab/commands/evaluate.ts';
import { FileError, UserError } from '../../../../src/core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'advgym-evaluate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the committed behaviour-cloned Pong agent whose agent.json names other env options. */
function modelWithEnvOptions(name: string, options: Record<string, unknown>): string {
  const model = join(dir, name);
  cpSync('models/pong-bc', model, { recursive: true });
  const agentPath = join(model, 'agent.json');
  const agent = JSON.parse(readFileSync(agentPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(agentPath, JSON.stringify({ ...agent, env: { id: 'Pong-v0', options } }));
  return model;
}

const shortMatches = modelWithEnvOptions('short', { game: { pointsToWin: 2 } });

test('evaluate plays the seeded episodes greedily, reproducibly, beside random play on the same seeds', async () => {
  const args = { model: shortMatches, episodes: 2, seed: 5, backend: 'wasm' };
  const first = await runEvaluate(args);
  const second = await runEvaluate(args);
  assert.deepEqual(second, first);
  assert.equal(first.returns.length, 2);
  assert.equal(first.random.returns.length, 2);
  for (const value of [...first.returns, ...first.random.returns]) assert.ok(Math.abs(value) <= 2, `a match to 2 points scores within ±2, got ${value}`);
  // The behaviour clone tracks the ball; random play loses short matches outright.
  assert.ok(first.meanReturn > first.random.meanReturn, `greedy ${first.meanReturn} should beat random ${first.random.meanReturn}`);
});

test('--preference adds the percentiles of c(s) over every greedy step without changing the play', async () => {
  const args = { model: shortMatches, episodes: 2, seed: 5, backend: 'wasm' };
  const plain = await runEvaluate(args);
  const withPreference = await runEvaluate({ ...args, preference: true });
  assert.deepEqual(withPreference.returns, plain.returns);
  assert.equal(plain.preference, undefined);
  const preference = withPreference.preference;
  assert.ok(preference !== undefined);
  assert.deepEqual(Object.keys(preference.percentiles), PREFERENCE_PERCENTILES.map(String));
  const values = Object.values(preference.percentiles);
  for (const [i, value] of values.entries()) {
    assert.ok(value >= 0 && value <= 1, `c(s) is in [0, 1], got ${value}`);
    if (i > 0) assert.ok(value >= (values[i - 1] ?? 0), `percentiles ascend: ${values.join(' ')}`);
  }
  // Two 2-point matches last well over a hundred agent steps; c(s) is taken at each of them.
  assert.ok(preference.steps > 100, `steps ${preference.steps}`);
  assert.ok((values.at(-1) ?? 0) > (values[0] ?? 0), 'a trained policy is more decided on some steps than on others');
});

test('evaluate names the bad flag or file in one line', async () => {
  await assert.rejects(runEvaluate({ model: shortMatches, episodes: 0, seed: 0 }), (error: unknown) => error instanceof UserError && error.exitCode === 2 && /--episodes: Too small: expected number to be >=1, got 0/.test(error.message));
  await assert.rejects(runEvaluate({ model: shortMatches, episodes: 1, seed: 0.5 }), /--seed: must be an integer/);
  await assert.rejects(runEvaluate({ model: join(dir, 'missing'), episodes: 1, seed: 0 }), (error: unknown) => error instanceof FileError && error.message.includes('agent.json'));
  const wrongShape = modelWithEnvOptions('wrong-shape', { size: 42 });
  await assert.rejects(runEvaluate({ model: wrongShape, episodes: 1, seed: 0, backend: 'wasm' }), (error: unknown) => error instanceof FileError && /takes 84x84x4 observations but Pong-v0 gives 42x42x4/.test(error.message));
});
