import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuild } from '../../infra/dev/webBuild.ts';
import { chromiumAvailable, largestContentfulPaint, launchBrowser } from '../../infra/testing/browser.ts';
import { spread } from '../lib/context.ts';
import { DATA, DATASETS, ingestDirect, startSystem, waitForProjection } from '../lib/system.ts';

const TYPING_DELAY_MS = 90;
const PAGES = { dashboard: '/', bill: '/bills/us-117-hr-1319', vote: '/votes/us-117-2021-h49' };

/** Search texts a person might type: the first two words of real bill titles (no two alike). */
const queries = (n: number) => {
  const dir = `${DATA}us/117/bills/hjres/`;
  const out = new Set<string>();
  for (const d of readdirSync(dir).sort()) {
    const xml = readFileSync(`${dir}${d}/fdsys_billstatus.xml`, 'utf8');
    const title = /<bill>[\s\S]*?<title>([^<]+)<\/title>/.exec(xml)?.[1] ?? '';
    const words = title
      .toLowerCase()
      .replace(/[^a-z ]/g, ' ')
      .split(/\s+/)
      .filter((w) => w.length > 3 && !['joint', 'resolution', 'providing', 'congressional'].includes(w));
    if (words.length >= 2) out.add(words.slice(0, 2).join(' '));
    if (out.size === n) break;
  }
  return [...out];
};

const LOADED = `!!document.querySelector('[data-testid$="-page"]:not([aria-busy="true"])')`;

/**
 * Resolves once `expression` is true in the page, asking every 20 ms from here. Not a locator wait: that
 * injects Playwright's selector engine into the page and runs it on every animation frame, work on the main
 * thread the page is measured on, which no visitor's browser does.
 */
const until = async (page: Page, expression: string, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within 10 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * Resolves once every paint so far has been reported. LCP entries carry the time their frame was presented,
 * which on a loaded machine can come hundreds of ms after the paint: read too early, the list lacks the page's
 * content (an LCP of the footer, or none at all). A dot marked for Element Timing is painted after everything
 * else; frames are presented in order, so once its entry is in, so are the LCP candidates of every frame before.
 * It is too small to be a candidate itself.
 */
const PAINTS_REPORTED = `new Promise((resolve, reject) => {
  new PerformanceObserver((list, observer) => {
    if (list.getEntries().some((e) => e.identifier === 'bench-fence')) { observer.disconnect(); resolve(true); }
  }).observe({ type: 'element', buffered: true });
  const dot = document.createElement('span');
  dot.textContent = '.';
  dot.setAttribute('elementtiming', 'bench-fence');
  dot.style.cssText = 'position: fixed; left: 0; top: 0; font-size: 1px';
  document.body.append(dot);
  setTimeout(() => reject(new Error('paints not reported within 10 s')), 10000);
})`;

/** Cold first load of a page in a fresh browser context (empty HTTP cache): its largest contentful paint. */
const firstLoad = async (browser: Browser, url: string) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await until(page, LOADED, url);
    await page.waitForLoadState('networkidle');
    await page.evaluate(PAINTS_REPORTED);
    const lcp = await largestContentfulPaint(page);
    if (!(lcp > 0)) throw new Error(`${url}: no largest-contentful-paint entry`);
    return lcp;
  } finally {
    await context.close();
  }
};

// In the page: when the last key was pressed (the event's own time stamp, so time the event waited for the main
// thread counts), and when the results for the final text were on screen: the end of the first frame painted
// after they entered the DOM (a task queued from that frame's requestAnimationFrame runs after its paint).
const ARM = (final: string) => `(() => {
  window.__lastKey = 0; window.__shown = 0;
  document.addEventListener('keydown', (e) => { window.__lastKey = e.timeStamp; }, true);
  let seen = false;
  const check = () => {
    const el = document.querySelector('[data-results-for]');
    if (!seen && el && el.getAttribute('data-results-for') === ${JSON.stringify(final)}) {
      seen = true;
      requestAnimationFrame(() => {
        const after = new MessageChannel();
        after.port1.onmessage = () => { window.__shown = performance.now(); };
        after.port2.postMessage(0);
      });
    }
  };
  new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true });
})()`;

/** Types a query into the header search field; returns ms from its last keystroke to its results on screen. */
const keystrokeToResults = async (browser: Browser, base: string, q: string) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    // Start from the search page with its code loaded, as someone refining a search would be.
    await page.goto(`${base}/search`);
    await until(page, `!!document.querySelector('[data-results-for=""]')`, 'search page');
    await page.evaluate(ARM(q));
    await page.locator('#search-input').pressSequentially(q, { delay: TYPING_DELAY_MS });
    // Polled with evaluate (waitForFunction would eval a string, which the page's CSP forbids); the time
    // itself is taken in the page, so the polling interval does not enter it.
    const deadline = Date.now() + 10_000;
    while (!(await page.evaluate<number>('window.__shown'))) {
      if (Date.now() > deadline) throw new Error(`no results for "${q}" within 10 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return await page.evaluate<number>('window.__shown - window.__lastKey');
  } finally {
    await context.close();
  }
};

/**
 * The dashboard as a person meets it, on us/117 served by the query service on localhost: largest contentful
 * paint of a cold first load per page, and the time from the last keystroke of a typed search to its results.
 */
export const webScenario = async (o: { runs: number }) => {
  if (!chromiumAvailable()) throw new Error('no Chromium: run infra/browser.sh');
  await ensureWebBuild();
  const budget = JSON.parse(readFileSync(new URL('../../web/dist/budget.json', import.meta.url), 'utf8'));
  const system = await startSystem('postgres');
  const browser = await launchBrowser();
  try {
    await ingestDirect(system, DATASETS.us117!);
    await waitForProjection(system);
    const base = system.stack.queryUrl;
    // The machine is shared: its load while measuring says how much of the time was waiting for a core.
    const loadBefore = loadavg()[0];
    await firstLoad(browser, `${base}/`); // the first request of a process warms its code paths
    const lcp: Record<string, number[]> = {};
    for (let i = 0; i < o.runs; i++) {
      for (const [name, path] of Object.entries(PAGES)) {
        const ms = await firstLoad(browser, `${base}${path}`);
        lcp[name] = [...(lcp[name] ?? []), ms];
      }
    }
    const texts = queries(o.runs);
    const typed: { q: string; ms: number }[] = [];
    for (const q of texts) typed.push({ q, ms: await keystrokeToResults(browser, base, q) });
    return {
      params: { runs: o.runs, typingDelayMs: TYPING_DELAY_MS, pages: PAGES, dataset: 'us117' },
      initialJsGzipBytes: budget.initialJsGzip,
      lcpMs: Object.fromEntries(Object.entries(lcp).map(([k, xs]) => [k, spread(xs)])),
      keystrokeToResultsMs: spread(typed.map((t) => t.ms)),
      loadAverage1m: { before: loadBefore, after: loadavg()[0] },
      typed,
      targets: { lcpMs: 1_000, keystrokeToResultsMs: 100, initialJsGzipBytes: budget.budget },
    };
  } finally {
    await browser.close();
    await system.stop();
  }
};
