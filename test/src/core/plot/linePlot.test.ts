import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { renderLinePlot } from '../../../../src/core/plot/linePlot.ts';

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

test('the first series is drawn on top: a running mean listed first stays visible over noisy data', () => {
  const x = Array.from({ length: 400 }, (_, i) => i);
  const noisy = x.map((i) => (i % 2 === 0 ? 10 : -10));
  const countColour = (png: PNG, [r, g, b]: readonly [number, number, number]): number => {
    let count = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === r && png.data[i + 1] === g && png.data[i + 2] === b) count++;
    return count;
  };
  const mean = { name: 'mean', x, y: x.map(() => 0), color: '#D55E00', points: false, lineWidth: 3 };
  const episodes = { name: 'episodes', x, y: noisy, color: '#56B4E9', points: false, lineWidth: 1 };
  const meanFirst = PNG.sync.read(renderLinePlot({ ...spec, logX: false, series: [mean, episodes] }));
  const meanLast = PNG.sync.read(renderLinePlot({ ...spec, logX: false, series: [episodes, mean] }));
  const orange = [0xd5, 0x5e, 0x00] as const;
  assert.ok(countColour(meanFirst, orange) > 300, 'the mean line shows across the plot');
  assert.ok(countColour(meanFirst, orange) > 2 * countColour(meanLast, orange), 'listed last, the noisy series covers it');
});
