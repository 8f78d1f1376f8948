import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRgbFrame, drawNumber, fillEllipseGray, fillRectGray, fillRectRgb } from '../../envs/draw.ts';

function litPixels(data: Uint8Array, width: number): Array<[number, number]> {
  return [...data].flatMap((v, i) => (v > 0 ? [[i % width, Math.floor(i / width)] as [number, number]] : []));
}

test('fillRectGray scales logical 160x210 coordinates to the canvas', () => {
  const canvas = { data: new Uint8Array(80 * 105), width: 80, height: 105 };
  fillRectGray(canvas, 20, 40, 10, 20, 255); // half scale: x 10..15, y 20..30
  const lit = litPixels(canvas.data, 80);
  assert.equal(lit.length, 5 * 10);
  assert.deepEqual(lit[0], [10, 20]);
  assert.deepEqual(lit.at(-1), [14, 29]);
});

test('an object keeps its pixel size wherever it is, and tiny objects stay visible', () => {
  const sizes = new Set<number>();
  for (let x = 0; x < 20; x += 0.37) {
    const canvas = { data: new Uint8Array(84 * 84), width: 84, height: 84 };
    fillRectGray(canvas, 40 + x, 50 + x, 5, 7, 255);
    sizes.add(litPixels(canvas.data, 84).length);
  }
  assert.deepEqual([...sizes], [9]);
  const canvas = { data: new Uint8Array(84 * 84), width: 84, height: 84 };
  fillRectGray(canvas, 10, 10, 0.5, 0.5, 255);
  assert.equal(litPixels(canvas.data, 84).length, 1);
});

test('drawing clips at the canvas edges', () => {
  const canvas = { data: new Uint8Array(84 * 84), width: 84, height: 84 };
  fillRectGray(canvas, -20, -20, 400, 400, 7);
  assert.ok(canvas.data.every((v) => v === 7));
  fillEllipseGray(canvas, 150, 200, 40, 40, 9);
});

test('ellipses are round-ish: fewer pixels than their box, symmetric', () => {
  const canvas = { data: new Uint8Array(160 * 210), width: 160, height: 210 };
  fillEllipseGray(canvas, 20, 20, 20, 20, 255);
  const lit = litPixels(canvas.data, 160);
  assert.ok(lit.length > 0.7 * 400 && lit.length < 0.85 * 400, `${lit.length} pixels`);
});

test('RGB frames and digits', () => {
  const frame = createRgbFrame([1, 2, 3]);
  assert.deepEqual([frame.width, frame.height, frame.data.length], [160, 210, 160 * 210 * 3]);
  assert.deepEqual([...frame.data.subarray(0, 3)], [1, 2, 3]);
  fillRectRgb(frame, 10, 0, 1, 1, [9, 8, 7]);
  assert.deepEqual([...frame.data.subarray(30, 33)], [9, 8, 7]);
  const digits = (value: number): number => {
    const f = createRgbFrame([0, 0, 0]);
    drawNumber(f, value, 0, 0, 1, [255, 255, 255]);
    return f.data.filter((v) => v > 0).length / 3;
  };
  assert.equal(digits(1), 8, "'1' lights 8 font pixels");
  assert.equal(digits(8), 13);
  assert.equal(digits(18), 21);
});
