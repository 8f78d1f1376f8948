import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GifReader } from 'omggif';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { readPng } from '../../../../src/core/plot/png.ts';
import { saveTinyAgent } from '../../../helpers/tinyModel.ts';
import { tempDir } from '../../../helpers/tempDir.ts';

const root = tempDir('record');
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

test('`advgym record --every 3` attacks every third step and marks the frames it skipped', () => {
  const gif = join(root, 'timed.gif');
  const run = advgym('--model', join(root, 'model'), '--attack', 'fgsm', '--eps', '0.05', '--every', '3', '--out', gif, '--max-frames', '7', '--scale', '1');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /: 7 frames \(3 attacked\);/);
  const reader = new GifReader(readFileSync(gif));
  assert.equal(reader.numFrames(), 7);
  const pixels = new Uint8Array(reader.width * reader.height * 4);
  const deltaX = 160 + 2 * 6 + 168;
  const attackedX = deltaX + 168 + 6;
  const count = (x0: number, y0: number, w: number, h: number, test: (r: number, g: number, b: number) => boolean): number => {
    let n = 0;
    for (let y = y0; y < y0 + h; y++) {
      for (let x = x0; x < x0 + w; x++) {
        const p = (y * reader.width + x) * 4;
        if (test(pixels[p] ?? 0, pixels[p + 1] ?? 0, pixels[p + 2] ?? 0)) n++;
      }
    }
    return n;
  };
  for (let frame = 0; frame < 7; frame++) {
    reader.decodeAndBlitFrameRGBA(frame, pixels);
    const attacked = frame % 3 === 0;
    // The perturbation view (below its 18-pixel label row) is plain white when nothing was added.
    const coloured = count(deltaX, 18, 168, 168, (r, g, b) => Math.min(r, g, b) < 200);
    // The attacked view's header turns into an amber 'not attacked this step' on skipped steps.
    const amber = count(attackedX, 0, 168, 18, (r, g, b) => r > 200 && g > 120 && b < 120);
    assert.equal(coloured > 0, attacked, `frame ${frame}: ${coloured} coloured perturbation pixels`);
    assert.equal(amber > 0, !attacked, `frame ${frame}: ${amber} amber label pixels`);
  }
});

test('bad record arguments exit 2 with one line on stderr naming the flag', () => {
  const model = join(root, 'model');
  const out = ['--out', join(root, 'x.gif')];
  for (const [args, names] of [
    [['--agent', 'random', '--model', model], /--agent .* --model/],
    [['--agent', 'random', '--scale', '0'], /--scale/],
    [['--agent', 'scripted', '--env', 'Nope-v0'], /Nope-v0/],
    [['--model', model, '--attack', 'pgd', '--steps', '0'], /^advgym: --steps: /],
    [['--model', model, '--attack', 'fgsm', '--norm', 'l3'], /^advgym: --norm: /],
    [['--model', model, '--attack', 'bogus'], /Argument: attack, Given: "bogus"/],
    [['--agent', 'random', '--attack', 'fgsm'], /^advgym: --attack: needs --model/],
  ] as const) {
    const run = advgym(...args, ...out);
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, names);
  }
});
