import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GifReader } from 'omggif';
import { makeEnv } from '../../../../envs/index.ts';
import { encodeGif, writeGif } from '../../../../src/core/plot/gif.ts';
import { readPng, writePng } from '../../../../src/core/plot/png.ts';
import { recordEpisodes } from '../../../../src/lab/record/recordEpisodes.ts';
import { scriptedAgentFor } from '../../../../envs/scriptedPlayers.ts';
import { composeAttackPanel, newestFrame } from '../../../../src/core/plot/panels.ts';
import { Rng } from '../../../../src/core/rng.ts';

function solidFrame(width: number, height: number, rgb: [number, number, number]) {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < data.length; p += 3) data.set(rgb, p);
  return { width, height, data };
}

test('a GIF decodes back to the expected size, frame count and frame delay', () => {
  const frames = [solidFrame(10, 7, [255, 0, 0]), solidFrame(10, 7, [0, 255, 0]), solidFrame(10, 7, [0, 0, 255])];
  const reader = new GifReader(Buffer.from(encodeGif(frames, { fps: 20, scale: 4 })));
  assert.equal(reader.width, 40);
  assert.equal(reader.height, 28);
  assert.equal(reader.numFrames(), 3);
  assert.equal(reader.frameInfo(0).delay, 5); // GIF delays are in 1/100 s: 20 fps = 5
  const pixels = new Uint8Array(40 * 28 * 4);
  reader.decodeAndBlitFrameRGBA(1, pixels);
  assert.deepEqual([...pixels.slice(0, 3)], [0, 255, 0]);
});

test('a PNG snapshot round-trips pixel for pixel, scaled', () => {
  const dir = mkdtempSync(join(tmpdir(), 'advgym-png-'));
  const frame = solidFrame(3, 2, [12, 34, 56]);
  frame.data.set([200, 100, 50], 0);
  writePng(join(dir, 'x.png'), frame, 2);
  const back = readPng(join(dir, 'x.png'));
  assert.equal(back.width, 6);
  assert.equal(back.height, 4);
  assert.deepEqual([...back.data.slice(0, 6)], [200, 100, 50, 200, 100, 50]);
  assert.deepEqual([...back.data.slice(-3)], [12, 34, 56]);
});

test('reading a corrupt PNG is a one-line error naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'advgym-png-'));
  const path = join(dir, 'bad.png');
  writeGif(path, [solidFrame(2, 2, [0, 0, 0])]);
  assert.throws(() => readPng(path), (error: Error) => error.message.startsWith(path) && !error.message.includes('\n'));
});

test('recording a scripted Pong match gives one GIF frame per agent step, and the tracker wins', () => {
  const env = makeEnv('Pong-v0', { game: { pointsToWin: 2 } });
  const agent = scriptedAgentFor('Pong-v0', env.observationSpace.shape);
  const { frames, returns } = recordEpisodes(env, ({ observation, info }) => ({ action: agent(observation, info) }), {
    episodes: 1,
    seed: 5,
    maxFrames: 5000,
  });
  assert.ok((returns[0] ?? 0) > 0, `tracker return ${returns[0]}`);
  const dir = mkdtempSync(join(tmpdir(), 'advgym-gif-'));
  writeGif(join(dir, 'pong.gif'), frames.slice(0, 40), { scale: 1 });
  const reader = new GifReader(readFileSync(join(dir, 'pong.gif')));
  assert.equal(reader.numFrames(), 40);
  assert.equal(reader.width, 160);
  assert.equal(reader.height, 210);
});

test('the attack panel shows the perturbation in diverging colours', () => {
  const env = makeEnv('Pong-v0');
  const { observation } = env.reset({ seed: 1 });
  const clean = newestFrame(observation, 84, 4);
  const attacked = clean.map((v, i) => (i === 0 ? v + 0.01 : v));
  const panel = composeAttackPanel({ game: env.render(), clean, attacked, size: 84, cleanAction: 'UP', attackedAction: 'UP', wasAttacked: true });
  assert.equal(panel.height, 18 + 210 + 22);
  // The delta view starts at x = 160 + 2*6 + 168; its first pixel is +eps: saturated red.
  const x = 160 + 2 * 6 + 168 + 1;
  const offset = (18 * panel.width + x) * 3;
  assert.deepEqual([...panel.data.slice(offset, offset + 3)], [255, 0, 0]);
});

test('the scripted Seaquest player (observation + info only) outscores random play', () => {
  const env = makeEnv('Seaquest-v0');
  const scripted = scriptedAgentFor('Seaquest-v0', env.observationSpace.shape);
  const play = (choose: (observation: Float32Array, info: Record<string, unknown>) => number): number =>
    recordEpisodes(env, ({ observation, info }) => ({ action: choose(observation, info) }), { episodes: 1, seed: 2, maxFrames: 3000 }).returns[0] ?? 0;
  const rng = Rng.fromSeed(2);
  const random = play(() => env.actionSpace.sample(rng));
  const smart = play(scripted);
  assert.ok(smart > Math.max(200, 5 * random), `scripted ${smart} vs random ${random}`);
});
