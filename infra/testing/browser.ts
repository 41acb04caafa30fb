import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (infra/browser.sh installs it); playwright-core never downloads a browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumAvailable = () => existsSync(CHROMIUM_PATH);

// Quiet and reproducible: no background traffic, updates, sync or first-run work; no GPU on these machines.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Headless Chromium with a fresh profile (playwright gives each launch its own temporary user-data-dir). */
export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });

/** Saves a full-page screenshot under test-artifacts/ (gitignored; CI keeps it as an artifact). */
export const screenshot = async (page: Page, name: string) => {
  const dir = join(process.cwd(), 'test-artifacts', 'web');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  writeFileSync(path, await page.screenshot({ fullPage: true }));
  return path;
};

// Browser-side snippets as strings: this code runs in the page, and the Node typecheck has no DOM types.

/** Sum of layout-shift scores not caused by input since navigation (CLS as Chromium reports it). */
export const cumulativeLayoutShift = (page: Page) =>
  page.evaluate<number>(`new Promise((resolve) => {
    let sum = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => resolve(sum), 100);
  })`);

/** Largest contentful paint of the current page, in ms since navigation start. */
export const largestContentfulPaint = (page: Page) =>
  page.evaluate<number>(`new Promise((resolve) => {
    let last = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) last = Math.max(last, e.startTime);
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    setTimeout(() => resolve(last), 100);
  })`);

export const activeElement = (page: Page) =>
  page.evaluate<{ className: string; text: string }>(
    `({ className: document.activeElement?.className ?? '', text: document.activeElement?.textContent ?? '' })`,
  );

/** How far the page is wider than the viewport (0 when nothing scrolls sideways). */
export const sidewaysOverflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
