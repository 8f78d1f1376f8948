/**
 * readFinishedRun (src/lab/experiment/pendingRun.ts): a finished run read back from its
 * episodes.jsonl is the result that was written (the summary is rebuilt from the records, equal to
 * the last bit); a run missing an episode, or holding an episode of another config or one it never
 * plans, is a one-line FileError naming the file (and line), never a silently different summary.
 * finishedUnits (an unfinished run's units/) applies the same check.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { loadPolicy } from '../../../../agents/loadPolicy.ts';
import { FileError } from '../../../../src/core/errors.ts';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { parseExperiment } from '../../../../src/lab/experiment/config.ts';
import { finishedUnits, readFinishedRun, saveUnit, startRun } from '../../../../src/lab/experiment/pendingRun.ts';
import { createRunFolder, writeRunFolder } from '../../../../src/lab/experiment/runFolder.ts';
import { runExperiment } from '../../../../src/lab/experiment/runner.ts';
import { tempDir } from '../../../helpers/tempDir.ts';
import { saveTinyAgent } from '../../../helpers/tinyModel.ts';

const root = tempDir('pending-run');
const modelDir = join(root, 'model');

before(async () => {
  await initBackend('wasm');
  await saveTinyAgent(modelDir);
});

test('readFinishedRun gives back the written result; a missing or foreign episode is a FileError (and a foreign saved unit)', async () => {
  const config = parseExperiment({
    name: 'tiny',
    env: { id: 'Pong-v0', options: { game: { pointsToWin: 1 }, maxEpisodeSteps: 40 } },
    victim: modelDir,
    episodes: 2,
    seed: 3,
    conditions: [{ attack: 'none' }, { attack: 'fgsm', eps: [0.1] }, { attack: 'random', eps: [0.1] }],
  });
  const result = runExperiment(config, { victim: await loadPolicy(modelDir) });

  // finishedUnits, the same check on an unfinished run's units/: its own unit is read, a unit whose
  // seed is not the config's (another run's) is a FileError.
  const pending = startRun(join(root, 'pending'), config, { configPath: 'test', startedAt: 'now' });
  const first = result.episodes[0] as (typeof result.episodes)[number];
  saveUnit(pending.dir, { condition: 0, episode: 0, record: first });
  assert.deepEqual(finishedUnits(pending).map((u) => u.record), [first]);
  saveUnit(pending.dir, { condition: 0, episode: 1, record: { ...first, episode: 1 } });
  assert.throws(() => finishedUnits(pending), (e: unknown) => e instanceof FileError && /c0-e1\.json: not a unit result of this run/.test(e.message));
  const dir = createRunFolder(join(root, 'runs'), config.name);
  writeRunFolder(dir, config, result, { configPath: 'test', backend: 'wasm', versions: {}, wallSeconds: 0, startedAt: 'now' });

  const back = readFinishedRun(dir, config);
  assert.deepEqual(back.conditions, result.conditions);
  assert.deepEqual(back.episodes, result.episodes);

  const path = join(dir, 'episodes.jsonl');
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  writeFileSync(path, `${lines.slice(0, -1).join('\n')}\n`);
  assert.throws(() => readFinishedRun(dir, config), (e: unknown) => e instanceof FileError && /episodes\.jsonl: not a whole run/.test(e.message));

  const foreign = lines.map((line, i) => (i === 1 ? line.replace('"condition":"clean"', '"condition":"pgd linf eps=0.1 k=10"') : line));
  assert.notEqual(foreign[1], lines[1], 'the fixture: line 2 is a clean episode');
  writeFileSync(path, `${foreign.join('\n')}\n`);
  assert.throws(() => readFinishedRun(dir, config), (e: unknown) => e instanceof FileError && /episodes\.jsonl:2: not an episode of this run's config/.test(e.message));
  // An episode number the config never plans (its seed made consistent with it): refused, not counted.
  const beyond = lines.map((line, i) => (i === 1 ? line.replace('"episode":1', '"episode":2').replace('"seed":4', '"seed":5') : line));
  assert.notEqual(beyond[1], lines[1], 'the fixture: line 2 is episode 1, seed 4');
  writeFileSync(path, `${beyond.join('\n')}\n`);
  assert.throws(() => readFinishedRun(dir, config), (e: unknown) => e instanceof FileError && /episodes\.jsonl:2: not an episode of this run's config/.test(e.message));
});
