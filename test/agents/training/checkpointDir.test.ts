import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cleanStaleCheckpointCopies, COMPLETE_MARKER, recoverCheckpointDir, writeCheckpointDir } from '../../../agents/training/checkpointDir.ts';
import { tempDir } from '../../helpers/tempDir.ts';

// A PID no process has: Linux caps PIDs at 2^22.
const DEAD = 4_194_999;

function copy(path: string, content: string, complete: boolean): void {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'state.json'), content);
  if (complete) writeFileSync(join(path, COMPLETE_MARKER), '');
}

test('a checkpoint is swapped in complete, and no copies (nor the marker) are left', async () => {
  const dir = join(tempDir('ckpt'), 'checkpoint');
  await writeCheckpointDir(dir, async (temp) => writeFileSync(join(temp, 'state.json'), '1'));
  await writeCheckpointDir(dir, async (temp) => writeFileSync(join(temp, 'state.json'), '2'));
  assert.equal(readFileSync(join(dir, 'state.json'), 'utf8'), '2');
  assert.ok(!existsSync(join(dir, COMPLETE_MARKER)));
  assert.deepEqual(cleanStaleCheckpointCopies(dir), []);
});

test('a kill -9 mid-write leaves an incomplete tmp copy of a dead PID: removed at start, the checkpoint kept', () => {
  const root = tempDir('ckpt');
  const dir = join(root, 'checkpoint');
  copy(dir, 'good', false);
  copy(`${dir}.tmp-${DEAD}`, 'half', false);
  copy(`${dir}.tmp-${process.pid}`, 'mine', false);
  assert.equal(recoverCheckpointDir(dir), undefined, 'nothing to recover while the checkpoint exists');
  assert.deepEqual(cleanStaleCheckpointCopies(dir), [`${dir}.tmp-${DEAD}`]);
  assert.ok(!existsSync(`${dir}.tmp-${DEAD}`));
  assert.ok(existsSync(`${dir}.tmp-${process.pid}`), "a live process's copy is not touched");
  assert.equal(readFileSync(join(dir, 'state.json'), 'utf8'), 'good');
});

test('a crash between the renames: the complete tmp copy (newest) becomes the checkpoint; .old is removed', () => {
  const root = tempDir('ckpt');
  const dir = join(root, 'checkpoint');
  copy(`${dir}.old-${DEAD}`, 'old', false);
  copy(`${dir}.tmp-${DEAD}`, 'new', true);
  assert.equal(recoverCheckpointDir(dir), `${dir}.tmp-${DEAD}`);
  assert.equal(readFileSync(join(dir, 'state.json'), 'utf8'), 'new');
  cleanStaleCheckpointCopies(dir);
  assert.ok(!existsSync(`${dir}.old-${DEAD}`));
});

test('a crash between the renames with an incomplete tmp copy: the .old copy (complete by construction) is recovered', () => {
  const root = tempDir('ckpt');
  const dir = join(root, 'checkpoint');
  copy(`${dir}.old-${DEAD}`, 'old', false);
  copy(`${dir}.tmp-${DEAD}`, 'half', false);
  assert.equal(recoverCheckpointDir(dir), `${dir}.old-${DEAD}`);
  assert.equal(readFileSync(join(dir, 'state.json'), 'utf8'), 'old');
  assert.deepEqual(cleanStaleCheckpointCopies(dir), [`${dir}.tmp-${DEAD}`]);
});
