import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FieldError } from '../../../../src/core/errors.ts';
import { checkOutputDir, checkOutputFile, makeFolders } from '../../../../src/core/files/outputPath.ts';
import { writeFileAtomic } from '../../../../src/core/files/atomicWrite.ts';
import { tempDir } from '../../../helpers/tempDir.ts';

function fieldError(fn: () => unknown, field: string, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => error instanceof FieldError && error.field === field && error.exitCode === 2 && pattern.test(error.reason) && !error.message.includes('\n'));
}

test('output checks accept writable paths and name the field and the user path otherwise, writing nothing', () => {
  const dir = tempDir('output-path');
  const file = join(dir, 'file');
  writeFileSync(file, 'x');
  mkdirSync(join(dir, 'folder'));
  checkOutputFile(join(dir, 'new.gif'), 'out');
  checkOutputFile(file, 'out'); // replaced
  checkOutputFile(join(dir, 'deep', 'er', 'new.gif'), 'out'); // folders made when written
  checkOutputDir(join(dir, 'folder'), 'out');
  checkOutputDir(join(dir, 'runs', 'deeper'), 'out');
  fieldError(() => checkOutputFile(join(dir, 'folder'), 'png'), 'png', /folder is a folder; give a file path/);
  fieldError(() => checkOutputFile(join(file, 'x.gif'), 'out'), 'out', /file\/x\.gif: .*file is a file, not a folder/);
  fieldError(() => checkOutputDir(file, 'out'), 'out', /file is a file, not a folder/);
  fieldError(() => checkOutputDir('/proc/advgym-check', 'out'), 'out', /^\/proc\/advgym-check: cannot write in \/proc/);
  fieldError(() => checkOutputFile('', 'out'), 'out', /empty path/);
  assert.deepEqual(readdirSync(dir).sort(), ['file', 'folder'], 'no probe files or folders left');
});

test('makeFolders creates missing levels, and writeFileAtomic names the target, not its temp file', () => {
  const dir = tempDir('make-folders');
  makeFolders(join(dir, 'a', 'b'));
  assert.ok(existsSync(join(dir, 'a', 'b')));
  writeFileSync(join(dir, 'f'), 'x');
  assert.throws(() => writeFileAtomic(join(dir, 'f', 'g.json'), '{}'), (error: unknown) => error instanceof Error && error.message.startsWith(`${join(dir, 'f', 'g.json')}: cannot`) && !error.message.includes('.tmp'));
  assert.throws(() => writeFileAtomic('/proc/advgym-no/x.json', '{}'), /\/proc\/advgym-no\/x\.json: cannot/); // fails fast, no hang
});
