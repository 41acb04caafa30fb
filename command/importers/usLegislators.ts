import { parse as parseCsv } from 'csv-parse/sync';
import { isNode, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod/v4';
import type { Chamber, MemberRef } from '../contract/primitives.ts';
import type { RecordMember } from '../member/member.ts';
import { errorMessage, type Parsed, parseEach } from './parsed.ts';
import { asList, asNode, asText, type Node } from './values.ts';

type RecordMemberInput = z.input<typeof RecordMember>;

const SCHEME = /^[a-z][a-z0-9_-]{0,31}$/;
const ID = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_IDS = 20;
const CHAMBER: Record<string, Chamber> = { rep: 'lower', sen: 'upper' };
/** CSV columns named like ids that are social-media accounts, not identifiers of the person. */
const SOCIAL = new Set(['twitter_id', 'youtube_id']);

/**
 * Every id that fits the contract, bioguide first; the rest (Wikipedia and Ballotpedia titles with spaces,
 * `kg:/m/...` Google entity ids) cannot be an alias key and are dropped.
 */
const memberIds = (pairs: readonly [string, unknown][]): MemberRef[] => {
  const refs: MemberRef[] = [];
  const seen = new Set<string>();
  for (const [rawScheme, value] of pairs) {
    const scheme = rawScheme.toLowerCase();
    for (const id of asList(value).map(asText)) {
      if (!id || !SCHEME.test(scheme) || !ID.test(id) || seen.has(`${scheme}|${id}`)) continue;
      seen.add(`${scheme}|${id}`);
      refs.push({ scheme, id });
    }
  }
  refs.sort((a, b) => Number(b.scheme === 'bioguide') - Number(a.scheme === 'bioguide'));
  if (!refs.some((r) => r.scheme === 'bioguide')) throw new Error('missing bioguide id');
  return refs.slice(0, MAX_IDS);
};

const fullName = (n: Node) =>
  asText(n.official_full) ??
  [n.first, n.middle, n.last, n.suffix]
    .map(asText)
    .filter((p) => p !== null)
    .join(' ');

/**
 * A term in a chamber, or one per period of its `party_affiliations` when the member changed party during it
 * (Van Drew, D to R on 2019-12-19): the term's own `party` is only the last one. Each period keeps the rest of the
 * term; a term without affiliations gives the same one term as always, so its record (and event id) is unchanged.
 */
const terms = (t: Node) => {
  const chamber = CHAMBER[asText(t.type) ?? ''];
  if (!chamber) return []; // executive terms (prez, viceprez) are not seats in a chamber
  const whole = {
    chamber,
    start: asText(t.start) ?? '',
    end: asText(t.end),
    party: asText(t.party),
    region: asText(t.state),
    district: asText(t.district),
  };
  const periods = asList(t.party_affiliations).map(asNode);
  return periods.length === 0
    ? [whole]
    : periods.map((p) => ({
        ...whole,
        start: asText(p.start) ?? whole.start,
        end: asText(p.end) ?? whole.end,
        party: asText(p.party) ?? whole.party,
      }));
};

/** One entry of legislators-*.yaml (`unitedstates/congress-legislators`): every id scheme and every term. */
export const legislatorFromYaml = (entry: unknown): RecordMemberInput => {
  const e = asNode(entry);
  const name = asNode(e.name);
  const bio = asNode(e.bio);
  const dated = asList(e.terms)
    .flatMap((t) => terms(asNode(t)))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return {
    type: 'RecordMember',
    data: {
      jurisdiction: 'us',
      ids: memberIds(Object.entries(asNode(e.id))),
      name: { full: fullName(name), first: asText(name.first), last: asText(name.last) },
      gender: asText(bio.gender),
      birthday: asText(bio.birthday),
      terms: dated,
      latestTerm: dated.at(-1) ?? null,
    },
  };
};

/** One row of legislators-*.csv: ids, names, and the latest term without its dates (the CSV has none). */
export const legislatorFromCsv = (row: Readonly<Record<string, string>>): RecordMemberInput => {
  // Only the plural columns hold lists (fec_ids: "H8VT01016,S4VT00033"); a singular one is one value, commas
  // and all ("John Conyers, Jr." is one Ballotpedia title, not the ids "John Conyers" and "Jr.").
  const ids = Object.entries(row)
    .filter(([column]) => /_ids?$/.test(column) && !SOCIAL.has(column))
    .map(([column, value]): [string, unknown] => [
      column.replace(/_ids?$/, ''),
      column.endsWith('_ids') ? value.split(',') : [value],
    ]);
  const chamber = CHAMBER[row.type ?? ''];
  const name = { first: row.first_name, middle: row.middle_name, last: row.last_name, suffix: row.suffix };
  return {
    type: 'RecordMember',
    data: {
      jurisdiction: 'us',
      ids: memberIds(ids),
      name: {
        full: asText(row.full_name) ?? fullName(name),
        first: asText(row.first_name),
        last: asText(row.last_name),
      },
      gender: asText(row.gender),
      birthday: asText(row.birthday),
      terms: [],
      latestTerm: chamber
        ? { chamber, party: asText(row.party), region: asText(row.state), district: asText(row.district) }
        : null,
    },
  };
};

/** The whole YAML file: one record per list entry, located by its line; a syntax error rejects the file. */
export const parseLegislatorsYaml = (text: string): Parsed[] => {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const [first] = doc.errors;
  if (first) {
    const at = lineCounter.linePos(first.pos[0]);
    return [{ position: `line ${at.line}, column ${at.col}`, error: `invalid YAML: ${first.message}` }];
  }
  if (!isSeq(doc.contents)) return [{ position: 'file', error: 'expected a YAML list of legislators' }];
  return parseEach(
    doc.contents.items,
    (item) => legislatorFromYaml(isNode(item) ? item.toJS(doc) : item),
    (item, i) => {
      const offset = isNode(item) ? item.range?.[0] : undefined;
      return offset === undefined
        ? `record ${i + 1}`
        : `record ${i + 1} (line ${lineCounter.linePos(offset).line})`;
    },
  );
};

type CsvRow = { record: string[]; info: { lines: number } };

/**
 * The whole CSV file: header, then one record per row. A row with the wrong number of fields, or one the CSV
 * parser cannot read (a stray quote), is rejected alone with its line; the other rows land.
 */
export const parseLegislatorsCsv = (text: string): Parsed[] => {
  let rows: CsvRow[];
  const unreadable: Parsed[] = [];
  try {
    rows = parseCsv(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        const line = (err as { lines?: unknown } | undefined)?.lines;
        const position = typeof line === 'number' ? `line ${line}` : 'file';
        // One broken row can raise more than one error (a quote, then the field count): report it once.
        if (unreadable.at(-1)?.position !== position)
          unreadable.push({ position, error: `invalid CSV: ${errorMessage(err)}` });
      },
    }) as unknown as CsvRow[];
  } catch (err) {
    const line = (err as { lines?: unknown }).lines;
    return [
      {
        position: typeof line === 'number' ? `line ${line}` : 'file',
        error: `invalid CSV: ${errorMessage(err)}`,
      },
    ];
  }
  const [header, ...body] = rows;
  if (!header) return unreadable;
  const columns = header.record;
  return [
    ...parseEach(
      body,
      ({ record }) => {
        if (record.length !== columns.length) {
          throw new Error(`expected ${columns.length} fields as in the header, found ${record.length}`);
        }
        return legislatorFromCsv(Object.fromEntries(columns.map((c, i) => [c, record[i] ?? ''])));
      },
      ({ info }, i) => `row ${i + 1} (line ${info.lines})`,
    ),
    ...unreadable,
  ];
};
