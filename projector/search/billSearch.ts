import type pg from 'pg';
import type { billDocument } from '../bills/billDocument.ts';
import { billLabel } from '../bills/billLabel.ts';
import { jsonRows } from '../sql.ts';

type BillDocument = ReturnType<typeof billDocument>['document'];

/**
 * Every other title once (short, popular, as passed...), English first, then the other languages (a Canadian bill's
 * French titles: "patrimoine" finds C-11), capped: NDAA-sized bills carry hundreds. They are read with the English
 * configuration, as queries are, so a French word is stemmed the same way on both sides.
 */
const otherTitles = (d: BillDocument) => {
  const seen = new Set([d.title.toLowerCase()]);
  const out: string[] = [];
  const english = d.titles.filter((t) => t.lang === 'en');
  for (const t of [...english, ...d.titles.filter((t) => t.lang !== 'en')]) {
    const key = t.text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t.text);
    if (out.length === 30) break;
  }
  return out.join(' | ');
};

/**
 * The sponsor's name as a reader types it: "Sen. Stabenow, Debbie [D-MI]" -> "Stabenow, Debbie". The title and the
 * party-state tag would make "sen" or "mi" match every bill a senator or a Michigan member sponsored.
 */
export const sponsorSearchName = (name: string) =>
  name
    .replace(/\s*\[[^\]]*\]\s*$/, '')
    .replace(/^(?:Sen|Rep|Del|Resident Commissioner)\.?\s+/i, '')
    .trim();

export type BillSearchRow = ReturnType<typeof billSearchRow>;

/**
 * What search needs of a bill, from its rendered document: the filter columns, the searchable text and the
 * hit a result list shows (highlights are added per query). Pure.
 */
export const billSearchRow = (d: BillDocument, latestActionDate: string | null, becameLaw: boolean) => {
  const label = billLabel(d.jurisdiction ?? '', d.type, d.number);
  const compact = d.type && d.number ? `${d.type}${d.number} ${d.type} ${d.number}`.toLowerCase() : '';
  const hit = {
    id: d.id,
    label,
    title: d.title,
    status: d.status,
    session: d.session,
    chamber: d.originChamber,
    introducedDate: d.introducedDate,
    latestActionDate,
    sponsor: d.sponsor ? { name: d.sponsor.name, party: d.sponsor.party } : null,
    policyArea: d.policyArea,
    becameLaw,
    voteCount: d.voteCount,
  };
  return {
    id: d.id,
    session: d.session ?? d.id.split('-')[1] ?? '',
    chamber: d.originChamber,
    status: d.status,
    policyArea: d.policyArea,
    sponsorParty: d.sponsor?.party ?? null,
    becameLaw,
    introducedDate: d.introducedDate,
    latestActionDate,
    voteCount: d.voteCount,
    keys: [compact, label ?? ''].join(' ').trim(),
    title: d.title,
    otherTitles: otherTitles(d),
    summary: d.summary?.text ?? null,
    // The sponsor's name is searched with the subjects, at their weight (C, below titles and summary): no column
    // of its own, so no migration, and highlights (title, summary) and facets stay as they were.
    subjects: [d.policyArea, ...d.subjects, d.sponsor ? sponsorSearchName(d.sponsor.name) : null]
      .filter(Boolean)
      .join('; '),
    hit: JSON.stringify(hit),
  };
};

/** Summary snippets come from this many characters (the query service's SNIPPET_SOURCE_CHARS). */
const HIGHLIGHT_SOURCE_CHARS = 4_000;
/** The private-use characters highlights are marked with, removed from the text first. */
const MARKERS = "E'\\uE000\\uE001'";

// Words of four letters or more, as the spelling dictionary keeps them (the D weight holds unstemmed words).
const WORDS_OF = `unnest(tsvector_to_array(ts_filter(document, '{d}'))) AS word`;
const DICTIONARY_WORD = `word ~ '^[a-z]{4,}$'`;

/** The bill_search columns a vote can change without changing the searched texts (facets, counts, the hit). */
const FACET_TYPES = {
  session: 'text',
  chamber: 'text',
  status: 'text',
  policy_area: 'text',
  sponsor_party: 'text',
  became_law: 'boolean',
  introduced_date: 'date',
  latest_action_date: 'date',
  vote_count: 'int',
  hit: 'text',
} as const;
/** A row's values for FACET_TYPES, in its order. */
const facetValues = (r: BillSearchRow) => [
  r.session,
  r.chamber,
  r.status,
  r.policyArea,
  r.sponsorParty,
  r.becameLaw,
  r.introducedDate,
  r.latestActionDate,
  r.voteCount,
  r.hit,
];

/**
 * Upserts the search rows of re-rendered bills in the batch's transaction, and keeps the spelling dictionary
 * equal to a fresh count: the words of a bill whose text changed are subtracted before and added after.
 */
export const indexBills = async (client: pg.ClientBase, rows: readonly BillSearchRow[]) => {
  if (rows.length === 0) return;
  const ids = rows.map((r) => r.id);
  const before = await client.query<{
    id: string;
    keys: string;
    title: string;
    other_titles: string;
    summary: string | null;
    subjects: string;
  }>('SELECT id, keys, title, other_titles, summary, subjects FROM bill_search WHERE id = ANY($1::text[])', [
    ids,
  ]);
  const oldText = new Map(before.rows.map((r) => [r.id, `${r.title}\n${r.summary ?? ''}`]));
  const searchedText = (
    r: { keys: string; title: string; summary: string | null; subjects: string },
    other: string,
  ) => JSON.stringify([r.keys, r.title, other, r.summary, r.subjects]);
  const oldSearched = new Map(before.rows.map((r) => [r.id, searchedText(r, r.other_titles)]));
  const textChanged = rows
    .filter((r) => oldText.get(r.id) !== `${r.title}\n${r.summary ?? ''}`)
    .map((r) => r.id);
  const removed = textChanged.filter((id) => oldText.has(id));
  let decremented: string[] = [];
  if (removed.length) {
    const r = await client.query<{ word: string }>(
      `UPDATE search_words w SET ndoc = w.ndoc - o.n
       FROM (SELECT word, count(*)::int AS n FROM bill_search, ${WORDS_OF}
             WHERE id = ANY($1::text[]) AND ${DICTIONARY_WORD} GROUP BY word) o
       WHERE w.word = o.word RETURNING w.word`,
      [removed],
    );
    decremented = r.rows.map((x) => x.word);
  }
  // A row whose searched texts are unchanged (a new vote moved its vote count) gets an UPDATE of the other
  // columns only: Postgres then does not recompute the two stored tsvectors, and skips rows that did not change.
  const full = jsonRows({
    id: 'text',
    ...FACET_TYPES,
    keys: 'text',
    title: 'text',
    other_titles: 'text',
    summary: 'text',
    subjects: 'text',
  });
  const facets = jsonRows({ id: 'text', ...FACET_TYPES });
  for (const r of rows) {
    if (oldSearched.get(r.id) === searchedText(r, r.otherTitles)) facets.push([r.id, ...facetValues(r)]);
    else full.push([r.id, ...facetValues(r), r.keys, r.title, r.otherTitles, r.summary, r.subjects]);
  }
  if (facets.length) {
    await client.query(
      // id is among the columns (set to itself): one column list serves the assignment and the comparison.
      `UPDATE bill_search b SET (${facets.names()}) = (${facets.columns()})
       FROM ${facets.source(1)}
       WHERE b.id = r.id AND (${facets.columns('b')}) IS DISTINCT FROM (${facets.columns()})`,
      [facets.param()],
    );
  }
  if (full.length) {
    await client.query(
      `INSERT INTO bill_search (${full.names()}) SELECT ${full.columns()} FROM ${full.source(1)}
       ON CONFLICT (id) DO UPDATE SET session = EXCLUDED.session, chamber = EXCLUDED.chamber,
         status = EXCLUDED.status, policy_area = EXCLUDED.policy_area, sponsor_party = EXCLUDED.sponsor_party,
         became_law = EXCLUDED.became_law, introduced_date = EXCLUDED.introduced_date,
         latest_action_date = EXCLUDED.latest_action_date, vote_count = EXCLUDED.vote_count, keys = EXCLUDED.keys,
         title = EXCLUDED.title, other_titles = EXCLUDED.other_titles,
         summary = EXCLUDED.summary, subjects = EXCLUDED.subjects, hit = EXCLUDED.hit`,
      [full.param()],
    );
  }
  if (textChanged.length) {
    // Where each word of the title and summary starts and the lexeme it makes, for highlights (sql/0007).
    await client.query(
      `INSERT INTO bill_highlights (id, title_map, summary_map)
       SELECT id, public.openpolicy_highlight_map(translate(title, ${MARKERS}, '')),
              public.openpolicy_highlight_map(translate(left(summary, ${HIGHLIGHT_SOURCE_CHARS}), ${MARKERS}, ''))
       FROM bill_search WHERE id = ANY($1::text[])
       ON CONFLICT (id) DO UPDATE SET title_map = EXCLUDED.title_map, summary_map = EXCLUDED.summary_map`,
      [textChanged],
    );
    await client.query(
      `INSERT INTO search_words (word, ndoc)
       SELECT word, count(*)::int FROM bill_search, ${WORDS_OF}
       WHERE id = ANY($1::text[]) AND ${DICTIONARY_WORD} GROUP BY word
       ON CONFLICT (word) DO UPDATE SET ndoc = search_words.ndoc + EXCLUDED.ndoc`,
      [textChanged],
    );
  }
  if (decremented.length) {
    await client.query(`DELETE FROM search_words WHERE word = ANY($1::text[]) AND ndoc <= 0`, [decremented]);
  }
};
