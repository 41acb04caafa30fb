import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import type pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { createApiKey } from '../../command/auth/apiKeys.ts';
import { ensureWebBuild } from '../dev/webBuild.ts';
import { createPgPool } from '../kernel/db.ts';
import { runProcess } from '../kernel/runProcess.ts';
import {
  activeElement,
  CHROMIUM_PATH,
  chromiumAvailable,
  cumulativeLayoutShift,
  launchBrowser,
  screenshot,
  sidewaysOverflow,
} from '../testing/browser.ts';
import { eventually } from '../testing/eventually.ts';
import { dataPath, readJson } from '../testing/realData.ts';
import { type Stack, startStack } from '../testing/stack.ts';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.ts';
import { usVoteCommand } from '../testing/usEvents.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

// What the test loads: one well-known bill with every roll call on it, the joint resolutions of the Senate
// (so that a search has something to tell apart), and the current members. Expected values below are all
// computed from these source files.
const BILL = { dir: 'us/117/bills/hr/hr1319', id: 'us-117-hr-1319' };
const OTHER_BILLS = 'us/117/bills/sjres';
// A roll call loaded after the page is open, to see the dashboard update by itself.
const LATE_VOTE = '2021/h2';

type Json = any;
type RawMember = { id: string; display_name: string; party: string; state: string };
type RawVote = { vote_id: string; result: string; votes: Record<string, (RawMember | string)[]> };

const CLASS: Record<string, 'yea' | 'nay' | 'present' | 'not_voting'> = {
  Yea: 'yea',
  Aye: 'yea',
  Nay: 'nay',
  No: 'nay',
  Present: 'present',
  'Not Voting': 'not_voting',
};

/** Per-party counts straight from a roll-call file. */
const partyCounts = (raw: RawVote) => {
  const out: Record<string, Record<'yea' | 'nay' | 'present' | 'not_voting', number>> = {};
  for (const [position, voters] of Object.entries(raw.votes)) {
    const cls = CLASS[position];
    for (const v of voters) {
      if (typeof v === 'string' || !cls) continue;
      out[v.party] ??= { yea: 0, nay: 0, present: 0, not_voting: 0 };
      out[v.party]![cls] += 1;
    }
  }
  return out;
};

/** Members who voted yea where most of their party voted nay, or the reverse. */
const dissenters = (raw: RawVote) => {
  const counts = partyCounts(raw);
  const out: RawMember[] = [];
  for (const [position, voters] of Object.entries(raw.votes)) {
    const cls = CLASS[position];
    if (cls !== 'yea' && cls !== 'nay') continue;
    for (const v of voters) {
      if (typeof v === 'string') continue;
      const c = counts[v.party]!;
      const majority = c.yea > c.nay ? 'yea' : c.nay > c.yea ? 'nay' : null;
      if (majority && majority !== cls) out.push(v);
    }
  }
  return out;
};

/** The bill's own record: its title and the roll calls its actions list, as paths of vote files that exist here. */
const billSource = () => {
  const xml = readFileSync(dataPath(`${BILL.dir}/fdsys_billstatus.xml`), 'utf8');
  const title = String(new XMLParser().parse(xml).billStatus.bill.title);
  const rels = new Set<string>();
  for (const m of xml.matchAll(/<recordedVote>([\s\S]*?)<\/recordedVote>/g)) {
    const roll = /<rollNumber>(\d+)<\/rollNumber>/.exec(m[1]!)?.[1];
    const chamber = /<chamber>(\w+)<\/chamber>/.exec(m[1]!)?.[1];
    const year = /<date>(\d{4})/.exec(m[1]!)?.[1];
    if (roll && chamber && year) rels.add(`${year}/${chamber === 'House' ? 'h' : 's'}${roll}`);
  }
  const exists = (rel: string) =>
    readdirSync(dataPath(`us/117/votes/${rel.split('/')[0]}`)).includes(rel.split('/')[1]!);
  return { title, rels: [...rels].filter(exists) };
};

const voteId = (rel: string) => {
  const [year, roll] = rel.split('/');
  return `us-117-${year}-${roll}`;
};

const ingest = (args: string[], env: NodeJS.ProcessEnv) =>
  runProcess(`${ROOT}node_modules/.bin/tsx`, ['infra/bin/openpolicy.ts', 'ingest', ...args], {
    cwd: ROOT,
    env,
  });

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();

/** Charts draw once near the viewport or when the browser is idle: wait for all of them before a screenshot. */
const chartsDrawn = async (page: Page) => {
  const deadline = Date.now() + 10_000;
  while ((await page.locator('.chart:not(:has(svg))').count()) > 0) {
    if (Date.now() > deadline) throw new Error('charts not drawn within 10 s');
    await page.waitForTimeout(50);
  }
};

describe('web dashboard in headless Chromium against the running services', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let stack: Stack;
  let key: string;
  let browser: Browser;
  let page: Page;
  const source = billSource();
  const raws = new Map(
    source.rels.map((rel) => [voteId(rel), readJson<RawVote>(`us/117/votes/${rel}/data.json`)]),
  );
  const otherBills = readdirSync(dataPath(OTHER_BILLS)).length;
  // The roll call on the bill with the most members voting against their party.
  const [targetVote, targetRaw] = [...raws.entries()].sort(
    (a, b) => dissenters(b[1]).length - dissenters(a[1]).length,
  )[0]!;

  // Two words from the middle of the real title: "part of its title", not the whole of it.
  const words = source.title.split(/\s+/);
  const searchText = words.slice(1, 3).join(' ').toLowerCase();

  before(async function () {
    if (!chromiumAvailable()) {
      if (process.env.CI)
        throw new Error(`no Chromium at ${CHROMIUM_PATH}: .ci/run installs it with infra/browser.sh`);
      this.skip();
    }
    const built = ensureWebBuild();
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'e2e-web' });
    stack = await startStack({
      databaseUrl: db.url,
      env: { VIEW_REFRESH_DEBOUNCE_MS: '100', VIEW_REFRESH_MAX_DELAY_MS: '500' },
    });
    key = (await createApiKey(admin, 'web e2e', ['write'])).key;
    const loaded = await ingest(
      [
        '--url',
        stack.commandUrl,
        dataPath('us/legislators/legislators-current.yaml'),
        dataPath(BILL.dir),
        dataPath(OTHER_BILLS),
        ...source.rels.map((rel) => dataPath(`us/117/votes/${rel}`)),
      ],
      { OPENPOLICY_API_KEY: key },
    );
    expect(loaded.code, loaded.output).to.equal(0);
    const get = async (path: string): Promise<Json> => {
      const r = await fetch(`${stack.queryUrl}${path}`);
      return r.ok ? r.json() : undefined;
    };
    // The projector has applied everything the pages will show: bill, votes, search entry, dashboard view.
    await eventually(async () => {
      const bill = await get(`/api/v1/bills/${BILL.id}`);
      return bill && !bill.stub && bill.votes.length === raws.size ? bill : undefined;
    }, 60_000);
    await eventually(
      async () => ((await get('/api/v1/dashboard/summary'))?.votes.total === raws.size ? true : undefined),
      30_000,
    );
    await eventually(async () => {
      const hits = await get(`/api/v1/bills/search?q=${encodeURIComponent(searchText)}`);
      return hits?.hits.some((h: { id: string }) => h.id === BILL.id) ? true : undefined;
    }, 30_000);
    await built;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    await admin?.end();
    await db?.drop();
  });

  it('finds the bill by typing part of its title, with highlighted words and keyboard navigation', async () => {
    await page.goto(`${stack.queryUrl}/`);
    await page.locator('#search-input').pressSequentially(searchText, { delay: 30 });
    const hit = page.locator(`a.hit-link[href="/bills/${BILL.id}"]`);
    await hit.waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).pathname).to.equal('/search');
    expect(new URL(page.url()).searchParams.get('q')).to.equal(searchText);
    expect(await hit.textContent()).to.contain('H.R. 1319');
    expect((await hit.locator('mark').allTextContents()).map((m) => m.toLowerCase())).to.include(
      words[1]!.toLowerCase(),
    );
    // Arrow Down moves from the search field into the results.
    await page.locator('#search-input').press('ArrowDown');
    expect((await activeElement(page)).className).to.contain('hit-link');
    await screenshot(page, '1-search');
    await hit.click();
  });

  it('opens the bill: its title from the bill file and each of its roll calls', async () => {
    await page.locator('[data-testid="bill-page"]').waitFor();
    expect(await text(page, 'h1')).to.equal(source.title);
    expect(new URL(page.url()).pathname).to.equal(`/bills/${BILL.id}`);
    // The roll calls render just after the top of the page (components/Later.tsx).
    await page.locator('.roll-call').first().waitFor();
    expect(await page.locator('.roll-call').count()).to.equal(raws.size);
    for (const id of raws.keys())
      expect(await page.locator(`.roll-call a[href="/votes/${id}"]`).count()).to.equal(1);
    await chartsDrawn(page);
    await screenshot(page, '2-bill');
    await page.locator(`.roll-call a[href="/votes/${targetVote}"]`).click();
  });

  it('opens a roll call and shows the per-party counts of the source file, dissenters marked', async () => {
    await page.locator('[data-testid="vote-page"]').waitFor();
    expect(new URL(page.url()).pathname).to.equal(`/votes/${targetVote}`);
    const expected = partyCounts(targetRaw);
    expect(await page.locator('[data-testid="party-table"] tbody tr').count()).to.equal(
      Object.keys(expected).length,
    );
    for (const [party, counts] of Object.entries(expected)) {
      const row = page.locator(`[data-testid="party-table"] tr[data-party="${party}"]`);
      for (const [col, n] of Object.entries(counts)) {
        expect(Number(await row.locator(`td[data-col="${col}"]`).textContent()), `${party} ${col}`).to.equal(
          n,
        );
      }
    }
    expect(await text(page, '[data-testid="result"]')).to.equal(targetRaw.result);
    const marked = dissenters(targetRaw);
    expect(marked.length).to.be.greaterThan(0);
    // The members list renders just after the top of the page (components/Later.tsx).
    await page.locator('.members li').first().waitFor();
    expect(await page.locator('.members li.dissent').count()).to.equal(marked.length);
    await chartsDrawn(page);
    await screenshot(page, '3-vote');
  });

  it('opens a dissenting member: the voting record marks the vote, the counter matches the files', async () => {
    const dissenter = dissenters(targetRaw)[0]!;
    const lastName = dissenter.display_name.replace(/\s*\(.*$/, '');
    await page.locator('.members li.dissent a').filter({ hasText: lastName }).first().click();
    await page.locator('[data-testid="member-page"]').waitFor();
    expect(await text(page, 'h1')).to.contain(lastName);
    const against = [...raws.values()].filter((raw) =>
      dissenters(raw).some((m) => m.id === dissenter.id),
    ).length;
    expect(await text(page, '[data-testid="against-party"]')).to.equal(String(against));
    const row = page.locator(`table.record tr:has(a[href="/votes/${targetVote}"])`);
    expect(await row.getAttribute('class')).to.equal('dissent');
    await screenshot(page, '4-member');
  });

  it('dashboard: counters from the loaded files, freshness headers, and a live update without reload', async () => {
    await page.goto(`${stack.queryUrl}/`);
    await page.locator('[data-testid="counter-votes"]').filter({ hasText: /\d/ }).waitFor();
    expect(await text(page, '[data-testid="counter-votes"]')).to.equal(String(raws.size));
    expect(await text(page, '[data-testid="counter-bills"]')).to.equal(String(1 + otherBills));
    const position = Number(await text(page, '[data-testid="position"]'));
    expect(position).to.be.greaterThan(0);
    await chartsDrawn(page);
    await screenshot(page, '5-dashboard');
    const r = await fetch(`${stack.commandUrl}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
      body: `${JSON.stringify(usVoteCommand(LATE_VOTE))}\n`,
    });
    expect(r.status).to.equal(202);
    await page
      .locator('[data-testid="counter-votes"]')
      .filter({ hasText: new RegExp(`^${raws.size + 1}$`) })
      .waitFor({ timeout: 30_000 });
    expect(Number(await text(page, '[data-testid="position"]'))).to.be.greaterThan(position);
  });

  it('keeps the layout still while data loads (cumulative layout shift under 0.1)', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      for (const path of ['/', `/bills/${BILL.id}`, `/votes/${targetVote}`]) {
        await fresh.goto(`${stack.queryUrl}${path}`);
        await fresh.locator('[data-testid$="-page"]:not([aria-busy="true"])').first().waitFor();
        await fresh.waitForTimeout(300);
        const cls = await cumulativeLayoutShift(fresh);
        expect(cls, `CLS on ${path}`).to.be.lessThan(0.1);
      }
    } finally {
      await fresh.close();
    }
  });

  it('is usable at phone width: no sideways scrolling, skip link first in focus order', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      for (const [name, path] of [
        ['6-phone-dashboard', '/'],
        ['7-phone-vote', `/votes/${targetVote}`],
        ['8-phone-search', `/search?q=${encodeURIComponent(searchText)}`],
      ] as const) {
        await phone.goto(`${stack.queryUrl}${path}`);
        await phone.locator('[data-testid$="-page"]').first().waitFor();
        await phone.waitForLoadState('networkidle');
        const overflow = await sidewaysOverflow(phone);
        expect(overflow, `sideways overflow on ${path}`).to.be.at.most(0);
        await screenshot(phone, name);
      }
      await phone.keyboard.press('Tab');
      expect((await activeElement(phone)).text).to.equal('Skip to content');
      expect(await phone.locator('label[for="search-input"]').count()).to.equal(1);
    } finally {
      await phone.close();
    }
  });

  it('a first visit gets its data and route code asked for by the HTML, each API resource once', async () => {
    const vote: Json = await (await fetch(`${stack.queryUrl}/api/v1/votes/${targetVote}`)).json();
    const member = vote.ballots.find((b: Json) => b.withParty === false).memberId;
    for (const path of ['/', `/bills/${BILL.id}`, `/votes/${targetVote}`, `/members/${member}`]) {
      // A new context: an empty HTTP cache, as on a first visit.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const fresh = await context.newPage();
        await fresh.goto(`${stack.queryUrl}${path}`);
        await fresh.locator('[data-testid$="-page"]:not([aria-busy="true"])').first().waitFor();
        const entries = await fresh.evaluate<
          { name: string; initiatorType: string; startTime: number; responseEnd: number }[]
        >(
          `performance.getEntriesByType('resource').map((e) => ({ name: e.name.slice(location.origin.length), initiatorType: e.initiatorType, startTime: e.startTime, responseEnd: e.responseEnd }))`,
        );
        const api = entries.filter((e) => e.name.startsWith('/api/'));
        const names = api.map((e) => `${e.name} (${e.initiatorType})`).join(', ');
        expect(api.length, path).to.be.greaterThan(0);
        // Every resource the page read came from a <link rel="preload"> of its HTML, and the app's own fetch of
        // it took that response over instead of asking again (the hint URLs match what the page fetches).
        expect(new Set(api.map((e) => e.name)).size, `${path}: ${names}`).to.equal(api.length);
        expect(
          api.every((e) => e.initiatorType === 'link'),
          `${path}: ${names}`,
        ).to.equal(true);
        // The route chunk was asked for while the entry script was still downloading, not once it had run.
        const entry = entries.find((e) => /^\/assets\/index-[\w-]+\.js$/.test(e.name));
        const chunks = entries.filter((e) => /^\/assets\/(Dashboard|Bill|Vote|Member)Page-/.test(e.name));
        expect(chunks.length, `${path}: route chunk`).to.equal(1);
        expect(chunks[0]!.startTime, `${path}: route chunk`).to.be.at.most(entry!.responseEnd);
      } finally {
        await context.close();
      }
    }
  });

  it('serves hashed assets as immutable and index.html as no-cache, with the same page for any app URL', async () => {
    const index = await fetch(`${stack.queryUrl}/votes/${targetVote}`);
    expect(index.status).to.equal(200);
    expect(index.headers.get('cache-control')).to.equal('no-cache');
    const html = await index.text();
    // The page's hints: its data, its route chunk (and what that imports).
    expect(html).to.contain(`<link rel="preload" as="fetch" crossorigin href="/api/v1/votes/${targetVote}">`);
    expect(html).to.match(/<link rel="modulepreload" crossorigin href="\/assets\/VotePage-[\w-]+\.js">/);
    // A URL with a query string (a paged or filtered view) gets the code hints but no data hint.
    const paged = await (await fetch(`${stack.queryUrl}/members/us-X000000?cursor=abc`)).text();
    expect(paged).to.match(/rel="modulepreload"[^>]*MemberPage-/);
    expect(paged).not.to.contain('as="fetch"');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).to.be.a('string');
    const asset = await fetch(`${stack.queryUrl}${script}`, { headers: { 'accept-encoding': 'br' } });
    expect(asset.status).to.equal(200);
    expect(asset.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect((await fetch(`${stack.queryUrl}/api/v1/nothing`)).headers.get('content-type')).to.match(
      /problem\+json/,
    );
  });
});
