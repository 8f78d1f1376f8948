import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GifReader } from 'omggif';
import { initBackend } from '../../../src/tensor/backend.ts';
import { readPng } from '../../../src/record/png.ts';
import { saveTinyAgent } from '../../helpers/tinyModel.ts';

const root = mkdtempSync(join(tmpdir(), 'advgym-record-'));
const env = { ...process.env, ADVGYM_BACKEND: 'wasm', CI: 'true' };
const advgym = (...args: string[]) => spawnSync(process.execPath, ['bin/advgym.js', 'record', ...args], { encoding: 'utf8', env });

before(async () => {
  await initBackend('wasm');
  await saveTinyAgent(join(root, 'model'));
});

test('`advgym record --agent scripted` writes a GIF of the game and a PNG snapshot', () => {
  const gif = join(root, 'pong.gif');
  const png = join(root, 'pong.png');
  const run = advgym('--env', 'Pong-v0', '--agent', 'scripted', '--out', gif, '--png', png, '--max-frames', '12', '--scale', '2', '--fps', '10');
  assert.equal(run.status, 0, run.stderr);
  const reader = new GifReader(readFileSync(gif));
  assert.equal(reader.numFrames(), 12);
  assert.equal(reader.width, 320);
  assert.equal(reader.height, 420);
  assert.equal(reader.frameInfo(0).delay, 10);
  const snapshot = readPng(png);
  assert.equal(snapshot.width, 320);
  assert.equal(snapshot.height, 420);
});

test('`advgym record --model --attack fgsm` writes the four-panel attack GIF', () => {
  const gif = join(root, 'attack.gif');
  const run = advgym('--model', join(root, 'model'), '--attack', 'fgsm', '--eps', '0.01', '--out', gif, '--max-frames', '4', '--scale', '1');
  assert.equal(run.status, 0, run.stderr);
  const reader = new GifReader(readFileSync(gif));
  assert.equal(reader.numFrames(), 4);
  assert.equal(reader.width, 160 + 3 * (168 + 6) + 6); // game | clean | delta | attacked
});

test('bad record arguments exit 2 with one line on stderr', () => {
  for (const args of [
    ['--agent', 'random', '--model', join(root, 'model'), '--out', join(root, 'x.gif')],
    ['--agent', 'random', '--scale', '0', '--out', join(root, 'x.gif')],
    ['--agent', 'scripted', '--env', 'Nope-v0', '--out', join(root, 'x.gif')],
  ]) {
    const run = advgym(...args);
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  }
});
