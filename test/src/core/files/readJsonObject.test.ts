import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileError } from '../../../../src/core/errors.ts';
import { readJsonObject } from '../../../../src/core/files/readJsonObject.ts';
import { tempDir } from '../../../helpers/tempDir.ts';

const dir = tempDir('read-json');

test('a JSON object file reads back as the object', () => {
  const path = join(dir, 'ok.json');
  writeFileSync(path, JSON.stringify({ gamma: 0.99, nested: { a: [1, 2] } }));
  assert.deepEqual(readJsonObject(path, 'the config file'), { gamma: 0.99, nested: { a: [1, 2] } });
});

test('a missing, unreadable, malformed or non-object file is a one-line FileError (exit 2: the user named it) naming the path and its purpose', () => {
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const folder = join(dir, 'a-folder.json');
  mkdirSync(folder);
  const cases: Array<[string, RegExp]> = [
    [join(dir, 'none.json'), /: missing: cannot read the config file$/],
    [folder, /: unreadable \(EISDIR\): cannot read the config file$/],
    [file('broken.json', '{ "gamma": '), /: not valid JSON \(.+\): cannot read the config file$/],
    [file('array.json', '[1, 2]'), /: holds an array, not a JSON object: cannot read the config file$/],
    [file('null.json', 'null'), /: holds null, not a JSON object: cannot read the config file$/],
    [file('number.json', '42'), /: holds 42, not a JSON object: cannot read the config file$/],
  ];
  for (const [path, reason] of cases) {
    assert.throws(
      () => readJsonObject(path, 'the config file'),
      (error: unknown) => error instanceof FileError && error.path === path && error.exitCode === 2 && error.message.startsWith(`${path}: `) && !error.message.includes('\n') && reason.test(error.message),
      path,
    );
  }
});
