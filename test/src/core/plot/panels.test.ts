import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeEnv } from '../../../../envs/index.ts';
import { composeAttackPanel, formatScale, newestFrame, perturbationScale } from '../../../../src/core/plot/panels.ts';
import { Rng } from '../../../../src/core/rng.ts';

const SIZE = 84;
const DELTA_X = 160 + 2 * 6 + 168; // the delta view's left edge
const VIEW = 168;
const TOP = 18;

/** Pixels of the delta view whose colour is clearly red or blue (not the white of "no change"). */
function colouredPixels(panel: { width: number; data: Uint8Array }): number {
  let count = 0;
  for (let y = TOP; y < TOP + VIEW; y++) {
    for (let x = DELTA_X; x < DELTA_X + VIEW; x++) {
      const o = (y * panel.width + x) * 3;
      const [r, g, b] = [panel.data[o] as number, panel.data[o + 1] as number, panel.data[o + 2] as number];
      if (Math.abs(r - b) > 64 || 255 - g > 64) count++;
    }
  }
  return count;
}

test('an l2-like sparse perturbation colours its pixels: the scale is the frame\'s own 99th percentile, printed on the panel', () => {
  const env = makeEnv('Pong-v0');
  const { observation } = env.reset({ seed: 1 });
  const clean = newestFrame(observation, SIZE, 4);
  // l2 radius 0.3 spread over 225 pixels: each moves by 0.02, a fifteenth of the budget.
  const rng = Rng.fromSeed(5);
  const attacked = clean.slice();
  const moved = new Set<number>();
  while (moved.size < 225) moved.add(Math.floor(rng.float() * SIZE * SIZE));
  for (const p of moved) attacked[p] = Math.min(1, Math.max(0, (clean[p] ?? 0) + (rng.float() < 0.5 ? -0.02 : 0.02)));
  const changed = [...moved].filter((p) => attacked[p] !== clean[p]).length;
  const scale = perturbationScale(clean, attacked);
  assert.ok(Math.abs(scale - 0.02) < 1e-6, `scale ${scale}`);
  assert.equal(formatScale(scale), '±0.0200');
  assert.equal(formatScale(0.0004), '±4.0e-4');
  const panel = composeAttackPanel({ game: env.render(), clean, attacked, size: SIZE, cleanAction: 'UP', attackedAction: 'DOWN', wasAttacked: true });
  // Each changed pixel is a 2x2 block at full colour; the old fixed scale (eps = 0.3) gave them
  // fade 238 of 255 (t = 0.067): none would pass the threshold.
  const coloured = colouredPixels(panel);
  assert.ok(coloured >= changed * 4 * 0.9, `${coloured} coloured display pixels for ${changed} changed observation pixels`);
  const oldFade = Math.round(255 * (1 - 0.02 / 0.3));
  assert.ok(255 - oldFade <= 64, 'the old scaling would have left these pixels near white');
});

test('one outlier does not wash out the rest, and an untouched frame draws no colour', () => {
  const clean = new Float32Array(SIZE * SIZE).fill(0.5);
  const attacked = clean.slice();
  for (let p = 0; p < 300; p++) attacked[p * 7] = 0.5 + 0.004;
  attacked[5] = 1; // one pixel moved by 0.5
  assert.ok(Math.abs(perturbationScale(clean, attacked) - 0.004) < 1e-6);
  assert.equal(perturbationScale(clean, clean), 0);
  const env = makeEnv('Pong-v0');
  env.reset({ seed: 1 });
  const panel = composeAttackPanel({ game: env.render(), clean, attacked: clean, size: SIZE, cleanAction: 'UP', attackedAction: 'UP', wasAttacked: false });
  assert.equal(colouredPixels(panel), 0);
});
