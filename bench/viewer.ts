/**
 * Viewer benchmark: agent steps per second the page renders in headless Chromium (Debian's, via
 * puppeteer-core: test/helpers/chromium.ts), both twins stepped and every step drawn (two games,
 * three views, counters), speed "as fast as possible", pong-dqn. Cases: no attack (both twins
 * clean: two greedy forwards per step) and FGSM l-inf eps 0.008 on every step (the attacked twin's
 * gradient, its forward on the perturbed view, the clean twin's forward), on the backend the page
 * picks by itself (auto) and on each backend forced through the URL. A case runs a few seconds
 * after a warm-up; steps/s = the step counter's growth over wall time, read from the page.
 * Goal (issue "viewer"): >= 30 attacked steps/s. Runs inside `npm run bench`, or alone with
 * `npm run bench:viewer`.
 */
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { startViewer } from '../src/lab/commands/serve.ts';
import { dataNumber, launchChromium, waitForViewer, watchConsole } from '../test/helpers/chromium.ts';

const WARMUP_MS = 2_000;
const TIMED_MS = 6_000;

interface Case {
  readonly label: string;
  readonly hash: string;
}

const CASES: readonly Case[] = [
  { label: 'auto, no attack', hash: 'attack=none' },
  { label: 'auto, FGSM l-inf 0.008', hash: 'attack=fgsm&eps=0.008' },
  { label: 'wasm, no attack', hash: 'attack=none&backend=wasm' },
  { label: 'wasm, FGSM l-inf 0.008', hash: 'attack=fgsm&eps=0.008&backend=wasm' },
  { label: 'webgl, no attack', hash: 'attack=none&backend=webgl' },
  { label: 'webgl, FGSM l-inf 0.008', hash: 'attack=fgsm&eps=0.008&backend=webgl' },
];

async function measure(browser: Browser, url: string, hash: string): Promise<{ stepsPerSecond: number; backend: string }> {
  const page = await browser.newPage();
  const log = watchConsole(page);
  try {
    await page.goto(`${url}#game=Pong-v0&model=pong-dqn&speed=0&${hash}`, { waitUntil: 'load' });
    await waitForViewer(page, log, 60_000);
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
    const steps0 = await dataNumber(page, 'steps');
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, TIMED_MS));
    const steps1 = await dataNumber(page, 'steps');
    const seconds = (performance.now() - start) / 1000;
    const backend = await page.evaluate(() => document.getElementById('backend')?.textContent ?? '?');
    return { stepsPerSecond: (steps1 - steps0) / seconds, backend };
  } finally {
    await page.close();
  }
}

export async function runViewerBench(): Promise<void> {
  console.log(`\n## viewer: steps/s rendered in headless Chromium (both twins, every step drawn), pong-dqn, ${TIMED_MS / 1000} s per case after ${WARMUP_MS / 1000} s warm-up\n`);
  console.log('Goal: >= 30 attacked steps/s. "auto" is what a visitor gets; a software-emulated WebGL (SwiftShader, as headless Chromium has) is skipped by auto.\n');
  const viewer = await startViewer({ port: 0, host: '127.0.0.1', models: 'models' });
  const browser = await launchChromium();
  try {
    console.log('| case | steps/s | backend in the page |');
    console.log('|---|---:|---|');
    for (const { label, hash } of CASES) {
      try {
        const { stepsPerSecond, backend } = await measure(browser, viewer.url, hash);
        console.log(`| ${label} | ${stepsPerSecond.toFixed(1)} | ${backend} |`);
      } catch (error) {
        console.log(`| ${label} | – | failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)} |`);
      }
    }
  } finally {
    await browser.close();
    await viewer.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runViewerBench();
