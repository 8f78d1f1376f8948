import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runTrainA3c } from '../../../../src/lab/commands/trainA3c.ts';
import { FileError, UserError } from '../../../../src/core/errors.ts';
import { tempDir } from '../../../helpers/tempDir.ts';

const dir = tempDir('train-a3c');

const args = { out: join(dir, 'out'), resume: false, force: false };

test('an unknown or bad config field is a one-line UserError naming the file and field (exit 2), before any worker starts', async () => {
  const unknown = join(dir, 'unknown.json');
  writeFileSync(unknown, JSON.stringify({ tmax: 5 }));
  await assert.rejects(runTrainA3c({ ...args, config: unknown }), (error: unknown) => error instanceof UserError && error.exitCode === 2 && error.message.startsWith(`${unknown}: tmax: unknown field; valid fields: env,`));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ gamma: 1.5 }));
  await assert.rejects(runTrainA3c({ ...args, config: bad }), (error: unknown) => error instanceof UserError && error.message.startsWith(`${bad}: gamma:`) && !error.message.includes('\n'));
});

test('flags are checked: --workers, --steps, --seed, --backend', async () => {
  await assert.rejects(runTrainA3c({ ...args, workers: 0 }), /--workers: must be a positive integer, got 0/);
  await assert.rejects(runTrainA3c({ ...args, steps: 1.5 }), /--steps: must be a positive integer/);
  await assert.rejects(runTrainA3c({ ...args, seed: 0.5 }), /--seed: must be an integer/);
  await assert.rejects(runTrainA3c({ ...args, backend: 'gpu' }), /--backend: unknown backend 'gpu'/);
});

test('a missing config file is a FileError naming it; --resume of a folder without a run names --resume and the file it lacks', async () => {
  await assert.rejects(runTrainA3c({ ...args, config: join(dir, 'none.json') }), (error: unknown) => error instanceof FileError && error.message.includes('none.json'));
  await assert.rejects(runTrainA3c({ ...args, resume: true }), (error: unknown) => error instanceof UserError && error.message.startsWith('--resume: ') && error.message.includes(join('out', 'config.json')));
});
