/**
 * docs/viewer.png: the viewer in headless Chromium (test/helpers/chromium.ts) with pong-dqn under
 * FGSM l-inf eps 0.008, paused after a few hundred steps so the twins have drifted apart.
 * `node --import tsx scripts/viewer-screenshot.ts [out.png]`.
 */
import { startViewer } from '../src/lab/commands/serve.ts';
import { dataNumber, launchChromium, waitForViewer, watchConsole } from '../test/helpers/chromium.ts';

const out = process.argv[2] ?? 'docs/viewer.png';
const STEPS = 400;
const viewer = await startViewer({ port: 0, host: '127.0.0.1', models: 'models' });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1000 });
  const log = watchConsole(page);
  await page.goto(`${viewer.url}#game=Pong-v0&model=pong-dqn&eps=0.008&speed=0&seed=3`, { waitUntil: 'load' });
  await waitForViewer(page, log);
  await page.waitForFunction((n: number) => Number(document.getElementById('steps')?.dataset['value']) >= n, { timeout: 60_000 }, STEPS);
  await page.click('#pause');
  await page.screenshot({ path: out, fullPage: true });
  process.stdout.write(`viewer-screenshot: ${out} at step ${await dataNumber(page, 'steps')}${log.errors.length > 0 ? `; console errors: ${log.errors.join(' | ')}` : ''}\n`);
} finally {
  await browser.close();
  await viewer.close();
}
