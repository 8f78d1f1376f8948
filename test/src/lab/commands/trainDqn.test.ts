import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runTrainDqn } from '../../../../src/lab/commands/trainDqn.ts';
import { FileError, UserError } from '../../../../src/core/errors.ts';
import { tempDir } from '../../../helpers/tempDir.ts';

const dir = tempDir('train-dqn');

const args = { out: join(dir, 'out'), resume: false, force: false };

test('a bad config value is a one-line UserError naming the file and field (exit 2), before any training', async () => {
  const path = join(dir, 'bad.json');
  writeFileSync(path, JSON.stringify({ batchSize: 0 }));
  await assert.rejects(runTrainDqn({ ...args, config: path }), (error: unknown) => error instanceof UserError && error.exitCode === 2 && error.message === `${path}: batchSize: Too small: expected number to be >=1`);
});

test('flags override the config file and are checked the same way', async () => {
  const path = join(dir, 'ok.json');
  writeFileSync(path, JSON.stringify({ totalSteps: 10 }));
  await assert.rejects(runTrainDqn({ ...args, config: path, steps: 0 }), /--steps: must be a positive integer, got 0/);
  await assert.rejects(runTrainDqn({ ...args, config: path, seed: 1.5 }), /--seed: must be an integer/);
});

test('a config file that is not JSON is a FileError naming it; --resume without a checkpoint names --resume and the checkpoint', async () => {
  const path = join(dir, 'broken.json');
  writeFileSync(path, '{ totalSteps: ');
  await assert.rejects(runTrainDqn({ ...args, config: path }), (error: unknown) => error instanceof FileError && error.message.startsWith(`${path}: not valid JSON`));
  await assert.rejects(runTrainDqn({ ...args, resume: true }), (error: unknown) => error instanceof UserError && error.message.startsWith('--resume: ') && error.message.includes('checkpoint'));
});

test('--out that is a file, under a file, or a non-empty folder is a one-line error naming the path; nothing is created', async () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  await assert.rejects(runTrainDqn({ ...args, out: file, steps: 10 }), (error: unknown) => error instanceof UserError && error.exitCode === 2 && error.message === `--out: ${file} is a file, not a folder`);
  await assert.rejects(runTrainDqn({ ...args, out: join(file, 'run'), steps: 10 }), (error: unknown) => error instanceof UserError && error.message === `--out: ${join(file, 'run')} is under ${file}, which is a file`);
  await assert.rejects(runTrainDqn({ ...args, out: dir, steps: 10 }), (error: unknown) => error instanceof UserError && /^--out: .* is not empty \(.*\); continue its run with --resume or replace it with --force$/.test(error.message));
});
