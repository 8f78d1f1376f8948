/**
 * Headless Chromium for the viewer's browser test, benchmark and screenshot: Debian's chromium
 * (apt-get install chromium) driven by puppeteer-core, never a browser puppeteer downloads. A
 * missing browser is an error that says how to install it, so a run without one cannot pass by
 * skipping the browser checks.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type ConsoleMessage, type Page } from 'puppeteer-core';

/** CHROMIUM_PATH overrides; otherwise Debian's package path. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: the viewer's browser tests need it (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  }
  return puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    // Root in a container without user namespaces: no sandbox. /dev/shm is small in containers.
    args: ['--no-sandbox', '--headless=new', '--disable-dev-shm-usage', '--no-first-run', '--mute-audio'],
    headless: true,
    defaultViewport: { width: 1280, height: 1000 },
  });
}

export interface PageLog {
  /** Console errors and uncaught page errors, one line each. */
  readonly errors: string[];
  readonly messages: string[];
}

/** Collects what the page prints, so a test can require a clean console. */
export function watchConsole(page: Page): PageLog {
  const log: PageLog = { errors: [], messages: [] };
  page.on('console', (message: ConsoleMessage) => {
    log.messages.push(`${message.type()}: ${message.text()}`);
    if (message.type() === 'error') log.errors.push(message.text());
  });
  page.on('pageerror', (error: unknown) => log.errors.push(`uncaught: ${error instanceof Error ? error.message : String(error)}`));
  page.on('requestfailed', (request) => log.errors.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  return log;
}

/** Waits until the page's body[data-state] is running/paused (or throws on error). */
export async function waitForViewer(page: Page, log: PageLog, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(() => ['running', 'paused', 'error'].includes(document.body.dataset['state'] ?? ''), { timeout: timeoutMs });
  const state = await page.evaluate(() => document.body.dataset['state']);
  if (state === 'error') {
    const status = await page.evaluate(() => document.getElementById('status')?.textContent ?? '');
    throw new Error(`viewer failed: ${status}; console: ${log.errors.join(' | ')}`);
  }
}

/** A number the page keeps in an element's data-* attribute. */
export async function dataNumber(page: Page, id: string, key = 'value'): Promise<number> {
  return page.evaluate((elementId: string, name: string) => Number(document.getElementById(elementId)?.dataset[name] ?? Number.NaN), id, key);
}
