/**
 * The viewer in a real browser (Debian's headless Chromium through puppeteer-core, see
 * test/helpers/chromium.ts; no browser means this file fails, it never skips): the page loads with
 * a clean console, a model loads and plays, an FGSM budget of eps = 0.008 (about 2 grey levels)
 * makes the attacked twin act differently from what its clean view asks for, and the page is not
 * blank. One page, one browser, the steps in order: about 10-20 s.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { startViewer, type RunningViewer } from '../../../../src/lab/commands/serve.ts';
import { dataNumber, launchChromium, waitForViewer, watchConsole, type PageLog } from '../../../helpers/chromium.ts';
import { tempDir } from '../../../helpers/tempDir.ts';

let viewer: RunningViewer;
let browser: Browser;
let page: Page;
let log: PageLog;

before(async () => {
  viewer = await startViewer({ port: 0, host: '127.0.0.1', models: 'models' });
  browser = await launchChromium();
  page = await browser.newPage();
  log = watchConsole(page);
});

after(async () => {
  await browser?.close();
  await viewer?.close();
});

async function waitForSteps(more: number, timeoutMs = 20_000): Promise<number> {
  const start = await dataNumber(page, 'steps');
  await page.waitForFunction((target: number) => Number(document.getElementById('steps')?.dataset['value']) >= target, { timeout: timeoutMs }, start + more);
  return dataNumber(page, 'steps');
}

test('the page loads a model with no console error and plays', async () => {
  await page.goto(`${viewer.url}#game=Pong-v0&model=pong-dqn&attack=fgsm&eps=0&speed=0`, { waitUntil: 'load' });
  await waitForViewer(page, log);
  const before = await dataNumber(page, 'steps');
  const after = await waitForSteps(20);
  assert.ok(after >= before + 20, `step counter advanced from ${before} to ${after}`);
  const backend = await page.evaluate(() => document.getElementById('backend')?.textContent ?? '');
  assert.match(backend, /^(webgl|wasm|cpu)/, 'the page says which backend runs');
  assert.deepEqual(log.errors, [], 'console errors');
});

test('eps 0 leaves the twins identical; eps 0.008 makes the attacked twin act differently', async () => {
  // eps = 0: FGSM adds nothing, so the attacked twin's action is its clean view's action.
  await waitForSteps(10);
  assert.equal(await dataNumber(page, 'change-rate', 'count'), 0, 'no action changed at eps 0');
  assert.equal(await dataNumber(page, 'twin-divergence', 'count'), 0, 'the twins play the same game at eps 0');
  await page.evaluate(() => {
    const eps = document.getElementById('eps') as HTMLInputElement;
    eps.value = '0.008';
    eps.dispatchEvent(new Event('change'));
  });
  await waitForSteps(40);
  const changed = await dataNumber(page, 'change-rate', 'count');
  const diverged = await dataNumber(page, 'twin-divergence', 'count');
  assert.ok(changed > 0, `FGSM at 0.008 changed ${changed} actions`);
  assert.ok(diverged > 0, `the twins' actions differed on ${diverged} steps`);
  assert.equal(await dataNumber(page, 'attack-rate'), 1, 'every step attacked');
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /eps=0\.008/, 'the URL holds the new eps');
  assert.deepEqual(log.errors, [], 'console errors');
});

test('a screenshot of the page is not blank', async () => {
  const png = await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: 1000, height: 900 } });
  const pixels = await page.evaluate(async (base64: string) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d') as CanvasRenderingContext2D;
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, image.width, image.height).data;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < data.length; i += 4) {
      const grey = ((data[i] as number) + (data[i + 1] as number) + (data[i + 2] as number)) / 3;
      sum += grey;
      squares += grey * grey;
    }
    const n = data.length / 4;
    return { variance: squares / n - (sum / n) ** 2 };
  }, Buffer.from(png).toString('base64'));
  assert.ok(pixels.variance > 100, `grey-level variance ${pixels.variance.toFixed(1)} (a blank page is ~0)`);
  // The games themselves are drawn: the attacked twin's canvas holds more than one colour.
  const colours = await page.evaluate(() => {
    const canvas = document.getElementById('game-attacked') as HTMLCanvasElement;
    const data = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) seen.add(((data[i] as number) << 16) | ((data[i + 1] as number) << 8) | (data[i + 2] as number));
    return seen.size;
  });
  assert.ok(colours >= 3, `the attacked game shows ${colours} colours`);
});

test('"save GIF" downloads an animated GIF of the last seconds', async () => {
  const downloads = tempDir('viewer-gif');
  const session = await page.createCDPSession();
  await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
  await page.click('#pause');
  await page.click('#save-gif');
  await page.waitForFunction(() => !(document.getElementById('save-gif') as HTMLButtonElement).disabled, { timeout: 30_000 });
  const deadline = Date.now() + 10_000;
  let files: string[] = [];
  while (Date.now() < deadline && (files = readdirSync(downloads).filter((f) => f.endsWith('.gif'))).length === 0) await new Promise((r) => setTimeout(r, 100));
  assert.equal(files.length, 1, `downloads: ${readdirSync(downloads).join(', ')}`);
  const gif = readFileSync(join(downloads, files[0] as string));
  assert.equal(gif.subarray(0, 6).toString('latin1'), 'GIF89a');
  assert.ok(gif.length > 10_000, `${gif.length} bytes`);
  assert.deepEqual(log.errors, [], 'console errors');
});
