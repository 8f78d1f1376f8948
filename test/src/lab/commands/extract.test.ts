/** `advgym extract`'s bad inputs: one line naming the flag (or the file), nothing written. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../../../src/core/errors.ts';
import { runExtract } from '../../../../src/lab/commands/extract.ts';
import { tempDir } from '../../../helpers/tempDir.ts';

const dir = tempDir('extract-cli');

async function rejects(args: Partial<Parameters<typeof runExtract>[0]>, pattern: RegExp): Promise<void> {
  const out = join(dir, 'out');
  await assert.rejects(
    runExtract({ victim: 'models/pong-bc', queries: 100, out, backend: 'wasm', ...args }),
    (error: unknown) => error instanceof UserError && pattern.test(error.message) && !error.message.includes('\n'),
  );
  assert.equal(existsSync(out), false, 'nothing written');
}

test('bad flag values are named by their flags', async () => {
  await rejects({ queries: 0 }, /^--queries: /);
  await rejects({ queries: 5, rounds: 10 }, /^--queries: must be at least rounds/);
  await rejects({ lambda: 2 }, /^--lambda: /);
  await rejects({ 'jacobian-fraction': -0.5 }, /^--jacobian-fraction: /);
  await rejects({ architecture: 'resnet' }, /^--architecture: /);
  await rejects({ 'eval-episodes': 1.5 }, /^--eval-episodes: must be an integer/);
  await rejects({ 'batch-size': 0 }, /^--batch-size: must be a positive integer/);
});

test('a victim folder that does not exist is named, before anything is written', async () => {
  await rejects({ victim: join(dir, 'no-such-model') }, /no-such-model/);
});
