import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { renderLinePlot } from '../../../src/record/linePlot.ts';

const spec = {
  title: 'return vs eps',
  xLabel: 'eps',
  yLabel: 'return',
  logX: true,
  series: [{ name: 'fgsm', x: [0.001, 0.002, 0.004], y: [20, 0, -20], lower: [18, -2, -21], upper: [21, 2, -18] }],
};

test('renders a PNG of the requested size', () => {
  const png = PNG.sync.read(renderLinePlot({ ...spec, width: 640, height: 400 }));
  assert.equal(png.width, 640);
  assert.equal(png.height, 400);
});

test('draws the data: different series give different pictures, not a blank canvas', () => {
  const a = PNG.sync.read(renderLinePlot(spec));
  const b = PNG.sync.read(renderLinePlot({ ...spec, series: [{ name: 'fgsm', x: [0.001, 0.004], y: [-20, 20] }] }));
  assert.notDeepEqual(a.data, b.data);
  const colouredPixels = a.data.filter((_, i) => i % 4 === 2 && a.data[i - 2] === 0 && a.data[i] === 178).length;
  assert.ok(colouredPixels > 50, 'the first series colour (#0072B2) appears');
});

test('drops non-positive x on a log axis instead of failing (clean eps = 0)', () => {
  assert.doesNotThrow(() => renderLinePlot({ ...spec, series: [{ name: 'with zero', x: [0, 0.001], y: [21, 5] }] }));
});
