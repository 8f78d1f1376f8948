import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GifReader } from 'omggif';
import { PNG } from 'pngjs';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { loadPolicy } from '../../../../agents/loadPolicy.ts';
import { parseExperiment } from '../../../../src/lab/experiment/config.ts';
import { runExperiment } from '../../../../src/lab/experiment/runner.ts';
import { createRunFolder, writeRunFolder } from '../../../../src/lab/experiment/runFolder.ts';
import { FileError, UserError } from '../../../../src/core/errors.ts';
import { assertNoLeakSync } from '../../../helpers/leakCheck.ts';
import { saveTinyAgent } from '../../../helpers/tinyModel.ts';

const root = mkdtempSync(join(tmpdir(), 'advgym-run-'));
const modelDir = join(root, 'model');

before(async () => {
  await initBackend('wasm');
  await saveTinyAgent(modelDir);
});

const configInput = {
  name: 'tiny',
  env: { id: 'Pong-v0', options: { game: { pointsToWin: 1 }, maxEpisodeSteps: 40 } },
  victim: modelDir,
  episodes: 2,
  seed: 3,
  conditions: [
    { attack: 'none' },
    { attack: 'fgsm', eps: [0.01, 0.1] },
    { attack: 'random', eps: [0.1] },
    { attack: 'pgd', eps: [0.05], norm: 'l2', steps: 3 },
    { attack: 'fgsm', eps: [0.1], timing: { kind: 'everyN', n: 2 } },
  ],
  record: { conditions: ['fgsm linf eps=0.1'], maxFrames: 5 },
};

test('a whole run is deterministic: same config and seed, identical summary.json', async () => {
  const config = parseExperiment(configInput);
  const victim = await loadPolicy(modelDir);
  const first = runExperiment(config, { victim });
  const second = runExperiment(config, { victim });
  assert.deepEqual(second.conditions, first.conditions);
  assert.deepEqual(second.episodes, first.episodes);
  const byLabel = new Map(first.conditions.map((c) => [c.label, c]));
  assert.equal(byLabel.get('clean')?.attackRate, 0);
  assert.equal(byLabel.get('fgsm linf eps=0.1')?.attackRate, 1);
  const everyOther = byLabel.get('fgsm linf eps=0.1 every2')?.attackRate ?? 0;
  assert.ok(everyOther > 0.45 && everyOther < 0.56, `every 2nd step: ${everyOther}`);
  const sparse = byLabel.get('fgsm linf eps=0.1 every2');
  // Unattacked steps never change the action, so the all-steps rate is the attacked-steps rate
  // scaled by the attack rate.
  assert.ok(Math.abs((sparse?.actionChangeRateAllSteps ?? -1) - (sparse?.actionChangeRate ?? 0) * everyOther) < 1e-12);
  assert.ok(Math.abs((byLabel.get('fgsm linf eps=0.1')?.meanDelta.linf ?? 0) - 0.1) < 1e-3);
  assert.ok((byLabel.get('pgd l2 eps=0.05 k=3')?.meanDelta.l2 ?? 1) <= 0.05 + 1e-4);
  assert.ok((byLabel.get('fgsm linf eps=0.1')?.actionChangeRate ?? 0) > 0, 'a big FGSM step changes the random net\'s actions');

  const dirA = createRunFolder(join(root, 'runs'), config.name);
  const dirB = createRunFolder(join(root, 'runs'), config.name);
  assert.notEqual(dirA, dirB, 'two runs never share a folder');
  const meta = { configPath: 'x', backend: 'wasm', versions: {}, wallSeconds: 1, startedAt: 'now' };
  writeRunFolder(dirA, config, first, meta);
  writeRunFolder(dirB, config, second, { ...meta, wallSeconds: 2 });
  assert.equal(readFileSync(join(dirA, 'summary.json'), 'utf8'), readFileSync(join(dirB, 'summary.json'), 'utf8'));
  const files = readdirSync(dirA).sort();
  for (const name of ['config.json', 'episodes.jsonl', 'return-vs-eps-linf.png', 'return-vs-eps-l2.png', 'run.json', 'summary.csv', 'summary.json', 'fgsm_linf_eps=0.1.gif']) {
    assert.ok(files.includes(name), `${name} in ${files.join(', ')}`);
  }
  assert.equal(readFileSync(join(dirA, 'episodes.jsonl'), 'utf8').trim().split('\n').length, 6 * 2);
  assert.equal(readFileSync(join(dirA, 'summary.csv'), 'utf8').trim().split('\n').length, 1 + 6);
  const gif = new GifReader(readFileSync(join(dirA, 'fgsm_linf_eps=0.1.gif')));
  assert.equal(gif.numFrames(), 5);
  assert.ok(PNG.sync.read(readFileSync(join(dirA, 'return-vs-eps-linf.png'))).width > 0);
});

test('a missing model folder is a one-line error naming the path', async () => {
  await assert.rejects(loadPolicy(join(root, 'nope')), (e: Error) => e instanceof FileError && e.message.includes(join(root, 'nope', 'agent.json')));
});

test('`advgym run` prints the table and the run folder; a bad config exits 2 with one line', () => {
  const configPath = join(root, 'tiny.json');
  writeFileSync(configPath, JSON.stringify({ ...configInput, conditions: [{ attack: 'none' }, { attack: 'fgsm', eps: [0.1] }], record: { conditions: [] } }));
  const env = { ...process.env, ADVGYM_BACKEND: 'wasm', CI: 'true' };
  const ok = spawnSync(process.execPath, ['bin/advgym.js', 'run', configPath, '--out', join(root, 'cli-runs')], { encoding: 'utf8', env });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /fgsm linf eps=0\.1/);
  assert.match(ok.stdout, /run folder: /);
  const badPath = join(root, 'bad.json');
  writeFileSync(badPath, JSON.stringify({ ...configInput, conditions: [{ attack: 'fgsm', eps: [-1] }] }));
  const bad = spawnSync(process.execPath, ['bin/advgym.js', 'run', badPath], { encoding: 'utf8', env });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /conditions\[0\]\.eps\[0\]: must be >= 0/);
});

test('a transfer attack uses the substitute\'s gradient, and a run leaks no tensors', async () => {
  const substituteDir = join(root, 'substitute');
  await saveTinyAgent(substituteDir, 3, 7);
  const victim = await loadPolicy(modelDir);
  const substitute = await loadPolicy(substituteDir);
  const config = parseExperiment({
    ...configInput,
    episodes: 1,
    substitute: substituteDir,
    env: { id: 'Pong-v0', options: { game: { pointsToWin: 1 }, maxEpisodeSteps: 20 } },
    conditions: [{ attack: 'fgsm', eps: [0.1], name: 'white' }, { attack: 'fgsm', eps: [0.1], name: 'black', threat: 'transfer' }],
    record: { conditions: [] },
  });
  const result = assertNoLeakSync(() => runExperiment(config, { victim, substitute }), 'runExperiment');
  const [white, black] = result.conditions;
  assert.equal(black?.attackRate, 1);
  assert.ok(Math.abs((black?.meanDelta.linf ?? 0) - 0.1) < 1e-3);
  // FGSM is deterministic: had the runner used the victim's own gradient for the transfer
  // condition, both episodes would be identical step for step.
  const steps = (label: string) => result.episodes.filter((e) => e.condition === label).map((e) => [e.length, e.changedActions, e.return]);
  assert.notDeepEqual(steps('black linf eps=0.1 transfer'), steps('white linf eps=0.1'), `${JSON.stringify(white)} vs ${JSON.stringify(black)}`);
  assert.throws(() => runExperiment(config, { victim }), (e: Error) => e instanceof UserError && /transfer attack needs a substitute/.test(e.message));
});
