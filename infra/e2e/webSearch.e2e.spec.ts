import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { createApiKey } from '../../command/auth/apiKeys.ts';
import { ensureWebBuild } from '../dev/webBuild.ts';
import { createPgPool } from '../kernel/db.ts';
import { runProcess } from '../kernel/runProcess.ts';
import {
  CHROMIUM_PATH,
  chromiumAvailable,
  launchBrowser,
  screenshot,
  sidewaysOverflow,
} from '../testing/browser.ts';
import { eventually } from '../testing/eventually.ts';
import { dataPath, readJson } from '../testing/realData.ts';
import { type Stack, startStack } from '../testing/stack.ts';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

// What the test loads: a few US bills and roll calls whose pages went wrong in review (a policy area with commas,
// a title over 200 characters, a sponsor no longer in office, the Speaker's election, a chair's ruling sustained),
// the Senate joint resolutions (something to page through), the current members only, and the Canadian files.
const BILLS = ['hr/hr1319', 'hr/hr4660', 'hr/hr1437', 'hr/hr2225', 'hr/hr2501', 's/s452', 'hres/hres24'];
const VOTES = ['2021/h2', '2021/s73', '2021/h49', '2021/s59', '2022/s10', '2021/s1'];
const SPEAKER = '2021/h2';
const LONG_TITLE = { dir: 'us/117/bills/hr/hr4660', id: 'us-117-hr-4660' };
// Sponsored by Debbie Stabenow, who left the Senate in 2025: not in legislators-current.
const FORMER_SPONSOR = { dir: 'us/117/bills/s/s452', id: 'us-117-s-452' };

type RawVote = {
  result: string;
  votes: Record<string, ({ id: string; party: string } | string)[]>;
};

/** The US bill's `<title>` and its sponsor's last name, from its BILLSTATUS file. */
const billFile = (dir: string) => {
  const xml = readFileSync(dataPath(`${dir}/fdsys_billstatus.xml`), 'utf8');
  return {
    title: /<title>([^<]*)<\/title>/.exec(xml)![1]!.replaceAll('&amp;', '&'),
    sponsor: /<sponsors>[\s\S]*?<lastName>([^<]*)<\/lastName>/.exec(xml)![1]!,
  };
};

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();

describe('web search, bill and vote pages on US and Canadian data in headless Chromium', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const settle = async () => {
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
  };

  before(async function () {
    if (!chromiumAvailable()) {
      if (process.env.CI)
        throw new Error(`no Chromium at ${CHROMIUM_PATH}: .ci/run installs it with infra/browser.sh`);
      this.skip();
    }
    const built = ensureWebBuild();
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'e2e-web-search' });
    stack = await startStack({
      databaseUrl: db.url,
      env: { VIEW_REFRESH_DEBOUNCE_MS: '100', VIEW_REFRESH_MAX_DELAY_MS: '500', QUERY_RATE_LIMIT_RPS: '0' },
    });
    const key = (await createApiKey(admin, 'web search e2e', ['write'])).key;
    const loaded = await runProcess(
      `${ROOT}node_modules/.bin/tsx`,
      [
        'infra/bin/openpolicy.ts',
        'ingest',
        '--url',
        stack.commandUrl,
        dataPath('us/legislators/legislators-current.yaml'),
        ...BILLS.map((b) => dataPath(`us/117/bills/${b}`)),
        dataPath('us/117/bills/sjres'),
        ...VOTES.map((v) => dataPath(`us/117/votes/${v}`)),
        dataPath('ca'),
      ],
      { cwd: ROOT, env: { OPENPOLICY_API_KEY: key } },
    );
    expect(loaded.code, loaded.output).to.equal(0);
    const get = async (path: string) => {
      const r = await fetch(`${stack.queryUrl}${path}`);
      return r.ok ? ((await r.json()) as any) : undefined;
    };
    // Everything the pages show is projected: the last bills and roll calls of each source, search, dashboard.
    for (const path of [
      '/api/v1/votes/us-117-2021-s1',
      '/api/v1/votes/ca-44-1-h649',
      '/api/v1/bills/ca-42-1-c-223',
    ]) {
      await eventually(async () => ((await get(path)) ? true : undefined), 60_000);
    }
    await eventually(
      async () => ((await get(`/api/v1/bills/${FORMER_SPONSOR.id}`))?.stub === false ? true : undefined),
      30_000,
    );
    await eventually(
      async () => ((await get(`/api/v1/bills/${LONG_TITLE.id}`))?.stub === false ? true : undefined),
      30_000,
    );
    await eventually(
      async () =>
        (await get('/api/v1/dashboard/summary'))?.recentBills.some((b: { id: string }) =>
          b.id.startsWith('ca-'),
        )
          ? true
          : undefined,
      30_000,
    );
    await built;
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterEach(async () => {
    await page?.close();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    await admin?.end();
    await db?.drop();
  });

  it('filters by a policy area whose name has commas ("Science, Technology, Communications")', async () => {
    await page.goto(`${stack.queryUrl}/search?q=science`);
    const button = page.locator(
      'button.facet[data-facet="policyArea"][data-value="Science, Technology, Communications"]',
    );
    const count = Number(await button.locator('.count').textContent());
    expect(count).to.be.greaterThan(0);
    await button.click();
    await settle();
    expect(await text(page, '#results-h')).to.equal(`${count} bill${count === 1 ? '' : 's'} for “science”`);
    expect(await button.getAttribute('aria-pressed')).to.equal('true');
  });

  it('shows an active filter that leaves no result as pressed, so that it can be turned off', async () => {
    await page.goto(`${stack.queryUrl}/search?q=health&status=vetoed`);
    await settle();
    expect(await text(page, '#results-h')).to.match(/^0 bills/);
    const pressed = page.locator('button.facet[aria-pressed="true"]');
    expect(await pressed.count()).to.equal(1);
    await pressed.click();
    await settle();
    expect(new URL(page.url()).searchParams.get('status')).to.equal(null);
    expect(await text(page, '#results-h')).not.to.match(/^0 bills/);
  });

  it('finds a bill by its whole title pasted, over the 200 characters a query may have', async () => {
    const { title } = billFile(LONG_TITLE.dir);
    expect(title.length).to.be.greaterThan(200);
    await page.goto(`${stack.queryUrl}/`);
    await settle();
    await page.locator('#search-input').fill(title);
    await page.locator(`a.hit-link[href="/bills/${LONG_TITLE.id}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator('main').textContent()).not.to.contain('Could not load the search results');
    expect(await page.locator('#search-input').inputValue()).to.equal(title);
  });

  it("finds bills by their sponsor's name, as the search field says it does", async () => {
    const { sponsor } = billFile('us/117/bills/hr/hr1319');
    await page.goto(`${stack.queryUrl}/`);
    expect(await page.locator('#search-input').getAttribute('placeholder')).to.contain('sponsor');
    await page.locator('#search-input').fill(sponsor);
    await page.locator('a.hit-link[href="/bills/us-117-hr-1319"]').waitFor({ timeout: 10_000 });
    const metas = await page.locator('li.hit .meta').allTextContents();
    expect(metas.length).to.be.greaterThan(0);
    for (const m of metas) expect(m).to.contain(sponsor);
  });

  it('links a sponsor who has no member page here to a search of their bills, not to "No such member"', async () => {
    const { sponsor } = billFile(FORMER_SPONSOR.dir);
    await page.goto(`${stack.queryUrl}/bills/${FORMER_SPONSOR.id}`);
    await page.locator('[data-testid="bill-page"]').waitFor();
    await page.locator('dl.facts a').first().click();
    await page.locator(`a.hit-link[href="/bills/${FORMER_SPONSOR.id}"]`).waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).pathname).to.equal('/search');
    expect(new URL(page.url()).searchParams.get('q')).to.contain(sponsor);
    expect(await page.locator('h1').allTextContents()).not.to.include('No such member');
  });

  it("shows the Speaker's election as votes per candidate and per party, not as a 0-0 tie", async () => {
    const raw = readJson<RawVote>(`us/117/votes/${SPEAKER}/data.json`);
    const candidates = Object.entries(raw.votes)
      .filter(([position]) => !['Present', 'Not Voting'].includes(position))
      .map(([position, voters]) => [position, voters.length] as const)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    await page.goto(`${stack.queryUrl}/votes/us-117-${SPEAKER.replace('/', '-')}`);
    await page.locator('[data-testid="vote-page"]').waitFor();
    expect(await text(page, '[data-testid="totals"]')).to.equal(
      candidates.map(([c, n]) => `${c} ${n}`).join(' – '),
    );
    expect(await text(page, '[data-testid="margin"]')).to.equal(
      String(candidates[0]![1] - candidates[1]![1]),
    );
    // Each party's own favourite, counted from the file.
    for (const party of ['D', 'R']) {
      const mine = candidates
        .map(
          ([c]) =>
            [c, raw.votes[c]!.filter((v) => typeof v !== 'string' && v.party === party).length] as const,
        )
        .sort(([, a], [, b]) => b - a);
      const row = page.locator(`[data-testid="party-table"] tr[data-party="${party}"]`);
      expect(await row.locator('td').last().textContent()).to.equal(mine[0]![0]);
      expect(await row.locator('td').first().textContent()).to.equal(
        String(mine.find(([c]) => c === candidates[0]![0])![1]),
      );
    }
    await screenshot(page, 'search-1-speaker');
    // A column per candidate still fits a phone (the table scrolls by itself, not the page).
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      await phone.goto(page.url());
      await phone.locator('[data-testid="party-table"]').waitFor();
      expect(await sidewaysOverflow(phone)).to.be.at.most(0);
    } finally {
      await phone.close();
    }
  });

  it('colours "Decision of Chair Sustained" as passed and "Objection Not Sustained" as failed', async () => {
    for (const [id, cls] of [
      ['us-117-2022-s10', 'passed'],
      ['us-117-2021-s1', 'failed'],
    ] as const) {
      await page.goto(`${stack.queryUrl}/votes/${id}`);
      await page.locator('[data-testid="vote-page"]').waitFor();
      expect(await page.locator('[data-testid="result"]').getAttribute('class'), id).to.equal(cls);
    }
  });

  it('labels Canadian bills C-354, C-418 on the vote, bill and dashboard pages, never by their id', async () => {
    await page.goto(`${stack.queryUrl}/votes/ca-44-1-h649`);
    await page.locator('[data-testid="vote-page"]').waitFor();
    expect(await text(page, 'article a[href="/bills/ca-44-1-c-354"]')).to.match(/^C-354\b/);
    for (const label of ['C-418', 'C-354']) {
      await page.goto(`${stack.queryUrl}/bills/ca-44-1-${label.toLowerCase()}`);
      await page.locator('[data-testid="bill-page"]').waitFor();
      expect(await text(page, '.eyebrow')).to.match(new RegExp(`^${label} · 44th Parliament, session 1 ·`));
    }
    await page.goto(`${stack.queryUrl}/`);
    const recent = page.locator('section[aria-labelledby="recent-h"] li a');
    await recent.first().waitFor();
    const labels = await recent.allTextContents();
    expect(labels.join('\n')).not.to.contain('ca-');
    expect(labels.some((l) => /^C-\d+: /.test(l))).to.equal(true);
  });

  it('writes ordinals as English does: 42nd Parliament, and sessions by name in the search filters', async () => {
    await page.goto(`${stack.queryUrl}/bills/ca-42-1-c-223`);
    await page.locator('[data-testid="bill-page"]').waitFor();
    expect(await text(page, '.eyebrow')).to.match(/^C-223 · 42nd Parliament, session 1 ·/);
    await page.goto(`${stack.queryUrl}/search?q=`);
    await page.locator('button.facet[data-facet="session"]').first().waitFor();
    const sessions = (
      await page.locator('button.facet[data-facet="session"] span:first-child').allTextContents()
    ).sort();
    expect(sessions).to.include('117th Congress');
    expect(sessions).to.include('44th Parliament, session 1');
    expect(sessions.join(' ')).not.to.match(/\d-\dth|\dth Parliament.*-/);
  });

  it('keeps keyboard focus on "Next page" and shows the top of the new page', async () => {
    await page.goto(`${stack.queryUrl}/search?q=`);
    const first = await page.locator('a.hit-link').first().getAttribute('href');
    const next = page.locator('.pager button', { hasText: 'Next page' });
    await next.focus();
    await page.keyboard.press('Enter');
    // Page 2 is there once page 1's first hit is gone.
    await page.locator(`a.hit-link[href="${first}"]`).waitFor({ state: 'detached' });
    await settle();
    expect(await page.evaluate('document.activeElement?.id')).to.equal('results-h');
    const top = await page
      .locator('a.hit-link')
      .first()
      .evaluate((e) => e.getBoundingClientRect().top);
    expect(top, 'first hit of page 2 in view').to.be.within(0, 900);
  });

  it('on a phone, puts the filters behind "Filters (n)" so that the first results are on the first screen', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      await phone.goto(`${stack.queryUrl}/`);
      await phone.waitForLoadState('networkidle');
      await phone.locator('#search-input').pressSequentially('resolution', { delay: 50 });
      await phone.locator('a.hit-link').first().waitFor();
      await phone.waitForTimeout(300);
      const y = await phone
        .locator('a.hit-link')
        .first()
        .evaluate((e) => e.getBoundingClientRect().top);
      expect(y, 'first result above the fold').to.be.lessThan(844);
      expect(await text(phone, 'details.filters > summary')).to.equal('Filters (0)');
      await phone.locator('details.filters > summary').click();
      await phone.locator('button.facet[data-facet="chamber"]').first().click();
      await phone.waitForLoadState('networkidle');
      expect(await text(phone, 'details.filters > summary')).to.equal('Filters (1)');
      await screenshot(phone, 'search-2-phone');
    } finally {
      await phone.close();
    }
  });
});
