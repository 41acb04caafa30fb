import { expect } from 'chai';
import {
  appendEvents,
  projectEvents,
  projectUsVotes,
  startTestProjector,
} from '../../infra/testing/projectUsVotes.ts';
import { useQueryService } from '../../infra/testing/queryService.ts';
import { asEvent, usBillCommands } from '../../infra/testing/usEvents.ts';
import { highlightAll, tsqueryOperands } from './tokenHighlight.ts';

type Hit = {
  id: string;
  title: string;
  chamber: string | null;
  status: string;
  policyArea: string | null;
  becameLaw: boolean;
  highlights: { title: string; summary: string | null };
};
type Page = {
  engine: string;
  total: number;
  corrected: string | null;
  hits: Hit[];
  facets: Record<string, { value: string; count: number }[]>;
  nextCursor: string | null;
};
type Bill = Extract<ReturnType<typeof usBillCommands>[number], { type: 'RecordBill' }>['data'];

const bills = usBillCommands().map((c) => c.data as Bill);
const idOf = (b: Bill) => `us-117-${b.type}-${b.number}`;
const becameLaw = (b: Bill) => b.laws.length > 0 || b.status === 'enacted';
const FACETS: Record<string, (b: Bill) => string | null> = {
  chamber: (b) => b.originChamber,
  status: (b) => b.status,
  policyArea: (b) => b.policyArea,
  sponsorParty: (b) => b.sponsor?.party ?? null,
  session: (b) => b.session,
  becameLaw: (b) => String(becameLaw(b)),
};
/** Facet counts computed from the source files, in the API's order (count descending, then value). */
const expectedFacets = (subset: readonly Bill[]) =>
  Object.fromEntries(
    Object.entries(FACETS).map(([name, of]) => {
      const counts = new Map<string, number>();
      for (const b of subset) {
        const v = of(b);
        if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      const list = [...counts].map(([value, count]) => ({ value, count }));
      list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      return [name, list];
    }),
  );
const unmark = (html: string) =>
  html
    .replace(/<\/?mark>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
const words = (text: string) => text.toLowerCase().match(/[a-z]+/g) ?? [];
// English stop words of four letters or more: a phrase of them would match other wordings.
const STOP = new Set(
  'other among these those which their there about should would through before after under while where being having against between during further again because itself above below from with that this into than then them they were have been such also more most only same some very will each'.split(
    ' ',
  ),
);

describe('bill and vote search on Postgres full text (776 real bills of the 117th Congress)', function () {
  this.timeout(120_000);
  const t = useQueryService(async (admin, url) => {
    await projectEvents(
      admin,
      url,
      usBillCommands().map((c) => asEvent(c)),
    );
    await projectUsVotes(admin, url, ['2021/h48', '2021/h49']);
  });
  const search = async (query: string, path = '/api/v1/bills/search') => {
    const r = await fetch(`${t.url}${path}?${query}`);
    expect(r.status, await r.clone().text()).to.equal(200);
    return (await r.json()) as Page;
  };

  it('counts every facet exactly as the source files do, with and without a query', async () => {
    const all = await search('');
    expect(all.engine).to.equal('postgres');
    expect(all.total).to.equal(bills.length);
    expect(all.facets).to.deep.equal(expectedFacets(bills));
    const veterans = await search('q=veterans&limit=50');
    const inSource = bills.filter((b) =>
      [b.title, ...b.titles.map((t) => t.text), b.summary?.text ?? '', ...b.subjects, b.policyArea ?? '']
        .join(' ')
        .match(/\bveteran/i),
    );
    expect(veterans.total).to.equal(inSource.length);
    expect(veterans.facets).to.deep.equal(expectedFacets(inSource));
  });

  it('combines filters: OR within a facet, AND across facets, dates inclusive', async () => {
    const upper = bills.filter((b) => b.originChamber === 'upper' && !becameLaw(b));
    const area = expectedFacets(upper).policyArea![0]!.value;
    const subset = upper.filter(
      (b) => b.policyArea === area && b.introducedDate !== null && b.introducedDate >= '2021-06-01',
    );
    const statuses = [...new Set(subset.map((b) => b.status))];
    const page = await search(
      new URLSearchParams({
        chamber: 'senate',
        becameLaw: 'false',
        policyArea: area,
        status: statuses.join(','),
        introducedFrom: '2021-06-01',
        limit: '50',
      }).toString(),
    );
    expect(page.total).to.equal(subset.length);
    expect(page.facets).to.deep.equal(expectedFacets(subset));
    expect(page.hits.map((h) => h.id).sort()).to.deep.equal(subset.map(idOf).sort().slice(0, 50));
    for (const h of page.hits)
      expect([h.chamber, h.policyArea, h.becameLaw]).to.deep.equal(['upper', area, false]);
  });

  it('finds known bills by a phrase that only their summary contains, quoted or not', async () => {
    const summaries = new Map(bills.map((b) => [idOf(b), words(b.summary?.text ?? '').join(' ')]));
    for (const id of ['us-117-hr-3684', 'us-117-hr-1319', 'us-117-hr-3076']) {
      const own = words(bills.find((b) => idOf(b) === id)!.summary!.text);
      // The first four consecutive long words that no other summary contains in that order.
      const phrase = own
        .map((_, i) => own.slice(i, i + 4))
        .filter((w) => w.length === 4 && w.every((x) => x.length > 3 && !STOP.has(x)))
        .map((w) => w.join(' '))
        .find((p) => [...summaries].every(([other, s]) => other === id || !s.includes(p)))!;
      const quoted = await search(new URLSearchParams({ q: `"${phrase}"` }).toString());
      expect(quoted.hits[0]?.id, phrase).to.equal(id);
      const loose = await search(new URLSearchParams({ q: `${phrase} ` }).toString());
      expect(
        loose.hits.slice(0, 3).map((h) => h.id),
        phrase,
      ).to.include(id);
    }
  });

  it('still finds the intended bill when a word of its title is misspelt', async () => {
    for (const id of ['us-117-hr-3684', 'us-117-hr-5376', 'us-117-hr-1319']) {
      const title = bills.find((b) => idOf(b) === id)!.title;
      const longest = words(title).sort((a, b) => b.length - a.length)[0]!;
      const typo = longest.slice(0, 3) + longest.slice(4); // drop the fourth letter
      const q = title.replace(new RegExp(longest, 'i'), typo);
      const page = await search(new URLSearchParams({ q: `${q} ` }).toString());
      expect(page.corrected?.toLowerCase(), q).to.include(longest);
      expect(
        page.hits.slice(0, 3).map((h) => h.id),
        q,
      ).to.include(id);
    }
  });

  it('matches the word being typed as a prefix, letter by letter', async () => {
    const typed = 'inflation reduction';
    for (const n of [12, 14, typed.length]) {
      const page = await search(new URLSearchParams({ q: typed.slice(0, n) }).toString());
      expect(
        page.hits.slice(0, 3).map((h) => h.id),
        typed.slice(0, n),
      ).to.include('us-117-hr-5376');
    }
  });

  it('answers a query of only stop words or punctuation with the browse list, as an empty box', async () => {
    const all = await search('');
    for (const q of ['the ', 'to be', 'of the ', '"', '-', '!']) {
      const page = await search(new URLSearchParams({ q }).toString());
      expect(page.total, JSON.stringify(q)).to.equal(all.total);
      expect(
        page.hits.map((h) => h.id),
        JSON.stringify(q),
      ).to.deep.equal(all.hits.map((h) => h.id));
      expect(page.facets, JSON.stringify(q)).to.deep.equal(all.facets);
    }
    const votes = await search('q=the%20', '/api/v1/votes/search');
    expect(votes.total).to.equal((await search('', '/api/v1/votes/search')).total);
  });

  it('wraps exactly the matched words in <mark> and escapes everything else', async () => {
    const page = await search('q=veterans%20health&limit=50');
    expect(page.hits.length).to.be.greaterThan(0);
    for (const h of page.hits) {
      expect(unmark(h.highlights.title)).to.equal(h.title);
      for (const text of [h.highlights.title, h.highlights.summary ?? '']) {
        expect(text.replace(/<\/?mark>/g, '')).to.not.match(/[<>]/);
        for (const [, marked] of text.matchAll(/<mark>(.*?)<\/mark>/g))
          expect(marked).to.match(/^(veteran|health)/i);
      }
    }
    expect(page.hits.some((h) => h.highlights.title.includes('<mark>'))).to.equal(true);
  });

  it("marks from the projector's word maps exactly the words ts_headline marks, in every title and summary", async () => {
    const queries = [
      `websearch_to_tsquery('english', '"student loan" -tax or veterans health-care')`,
      `to_tsquery('english', 'inf:*') || to_tsquery('simple', 'infrastructur:*')`,
      `websearch_to_tsquery('english', 'covid-19 H.R. 1319 2021 e-mail www.congress.gov')`,
    ];
    let marked = 0;
    for (const query of queries) {
      const r = await t.admin.query<{ terms: string; texts: [string, string | null, string | null][] }>(
        `WITH q AS (SELECT ${query} AS query)
         SELECT (SELECT query::text FROM q) AS terms, json_agg(json_build_array(t.text, t.map,
                  ts_headline('english', t.text, q.query, 'HighlightAll=true, StartSel=\uE000, StopSel=\uE001'))) AS texts
         FROM rm.bill_search s JOIN rm.bill_highlights h USING (id), q,
              LATERAL (VALUES (s.title, h.title_map), (left(s.summary, 4000), h.summary_map)) t(text, map)
         WHERE t.text IS NOT NULL`,
      );
      const ops = tsqueryOperands(r.rows[0]!.terms);
      expect(r.rows[0]!.texts.length).to.be.greaterThan(bills.length);
      for (const [text, map, expected] of r.rows[0]!.texts) {
        expect(highlightAll(text, map, ops), text).to.equal(expected);
        if (expected?.includes('\uE000')) marked++;
      }
    }
    expect(marked).to.be.greaterThan(100);
  });

  it('pages by cursor without overlap, in relevance order', async () => {
    const ten = await search('q=health&limit=10');
    const first = await search('q=health&limit=5');
    const second = await search(`q=health&limit=5&cursor=${first.nextCursor}`);
    expect([...first.hits, ...second.hits].map((h) => h.id)).to.deep.equal(ten.hits.map((h) => h.id));
  });

  it('searches roll calls by question and bill title', async () => {
    const page = await search('q=rescue%20plan', '/api/v1/votes/search');
    expect(page.total).to.equal(2);
    for (const h of page.hits as unknown as { bill: { id: string }; highlights: { question: string } }[]) {
      expect(h.bill.id).to.equal('us-117-hr-1319');
      expect(h.highlights.question).to.match(/<mark>Rescue<\/mark> <mark>Plan<\/mark>/);
    }
  });

  it('answers a precise problem+json 400 naming each bad parameter', async () => {
    const r = await fetch(`${t.url}/api/v1/bills/search?chamber=moon&facets=color&limit=500&sort=x`);
    expect(r.status).to.equal(400);
    expect(r.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const problem = (await r.json()) as { errors: { path: string }[] };
    const paths = problem.errors.map((e) => e.path);
    // The first bad value of a list is named by its index; the unknown parameter at the root.
    expect(paths).to.include.members(['chamber.0', 'facets.0', 'limit', '(root)']);
    expect(JSON.stringify(problem)).to.include('sort');
  });

  it('keeps the spelling dictionary equal to a fresh count as bills change, and finds a new bill within a second', async () => {
    const fresh = `SELECT coalesce(string_agg(word || ':' || n, ',' ORDER BY word), '') AS words FROM (
                     SELECT word, count(*) AS n FROM rm.bill_search,
                       unnest(tsvector_to_array(ts_filter(document, '{d}'))) AS word
                     WHERE word ~ '^[a-z]{4,}$' GROUP BY word) c`;
    const kept = `SELECT coalesce(string_agg(word || ':' || ndoc, ',' ORDER BY word), '') AS words FROM rm.search_words`;
    const same = async () => {
      const [a, b] = await Promise.all([t.admin.query(fresh), t.admin.query(kept)]);
      expect(b.rows[0].words).to.equal(a.rows[0].words);
    };
    await same();

    const projector = await startTestProjector(t.db.url, 'projector-test');
    try {
      // A corrected record of a real bill (its summary replaced) and a new bill with a word no bill has.
      const base = usBillCommands().find((c) => (c.data as Bill).number === '3076')!;
      const corrected = {
        ...base,
        data: {
          ...base.data,
          summary: { text: 'Quokkaplasty rules.', html: '<p>Quokkaplasty rules.</p>', date: null },
        },
      };
      const added = {
        ...base,
        data: { ...base.data, number: '99999', title: 'Zebrafinch Habitat Act', summary: null },
      };
      const started = Date.now();
      await appendEvents(t.admin, [asEvent(corrected as never), asEvent(added as never)]);
      let found: Page | undefined;
      while (Date.now() - started < 5_000) {
        found = await search('q=zebrafinch');
        if (found.total > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const elapsed = Date.now() - started;
      expect(found?.hits[0]?.id).to.equal('us-117-hr-99999');
      process.stdout.write(`      (searchable after ${elapsed} ms)\n`);
      expect(elapsed, `searchable after ${elapsed} ms`).to.be.lessThan(1_000);
      expect((await search('q=quokkaplasty')).hits.map((h) => h.id)).to.deep.equal(['us-117-hr-3076']);
      await same();
    } finally {
      await projector.stop();
    }
  });
});
