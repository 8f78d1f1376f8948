import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkOutFolder } from '../../../agents/training/outFolder.ts';
import { checkMemory } from '../../../agents/training/memory.ts';
import { FieldError } from '../../../src/core/errors.ts';
import { tempDir } from '../../helpers/tempDir.ts';

const fieldError = (field: string, pattern: RegExp) => (error: unknown) => error instanceof FieldError && error.field === field && pattern.test(error.reason) && !error.message.includes('\n');

test('out: a new folder under a folder, or an empty one, is fine; any non-empty one needs resume or force', () => {
  const root = tempDir('out');
  checkOutFolder(join(root, 'new', 'deeper'));
  checkOutFolder(root);
  writeFileSync(join(root, 'notes.txt'), 'mine');
  assert.throws(() => checkOutFolder(root), fieldError('out', /is not empty \(notes\.txt\); continue its run with `resume` or replace it with `force`/));
  checkOutFolder(root, { resume: true });
  checkOutFolder(root, { force: true });
});

test('out: a file, a path under a file, or resume of nothing are one-line errors naming the user path', () => {
  const root = tempDir('out');
  const file = join(root, 'file');
  writeFileSync(file, 'x');
  assert.throws(() => checkOutFolder(file), fieldError('out', new RegExp(`^${file} is a file`)));
  assert.throws(() => checkOutFolder(join(file, 'sub')), fieldError('out', new RegExp(`^${join(file, 'sub')} is under ${file}, which is a file`)));
  assert.throws(() => checkOutFolder(join(root, 'none'), { resume: true }), fieldError('resume', /does not exist/));
  mkdirSync(join(root, 'empty'));
});

test('memory-sized options are checked against the machine, naming the field and the size needed', () => {
  assert.throws(() => checkMemory('bufferSize', 100_000_000, 700e9, 700e9, 8 * 2 ** 30), fieldError('bufferSize', /100000000 would need 652 GB of memory, more than 80% of this machine's 8.0 GB/));
  assert.throws(() => checkMemory('bufferSize', 1e6, 5e9, 5e9, 64 * 2 ** 30), fieldError('bufferSize', /one 4.7 GB array/));
  checkMemory('bufferSize', 1000, 7e6, 7e6, 8 * 2 ** 30);
});
