import type { z } from 'zod/v4';
import type { RecordBill } from '../bill/bill.ts';
import type { Chamber } from '../contract/primitives.ts';
import type { BillStatus } from './deriveUsStatus.ts';
import { type Parsed, parseEach } from './parsed.ts';
import { cleanSummary } from './summaryHtml.ts';
import { asList, asNode, asText, type Node, required } from './values.ts';
import { parseXml } from './xml.ts';
import { OTTAWA, withZoneOffset } from './zonedTime.ts';

type RecordBillInput = z.input<typeof RecordBill>;
type CaAction = { date: string; text: string; chamber: Chamber | null; stage: string | null };

const CHAMBER: Record<string, Chamber> = { 'House of Commons': 'lower', Senate: 'upper' };
const CHAMBER_NAME: Record<Chamber, string> = {
  lower: 'House of Commons',
  upper: 'Senate',
  joint: 'Parliament',
};

/** LEGISinfo writes "no date" as empty, null, or the .NET minimum 0001-01-01, and times in Ottawa, without offset. */
const dateTime = (v: unknown) => {
  const t = asText(v);
  return t && !t.startsWith('0001-01-01') ? withZoneOffset(t, OTTAWA) : null;
};

const READINGS = [
  ['PassedHouseFirstReadingDateTime', 'lower', 'First reading'],
  ['PassedHouseSecondReadingDateTime', 'lower', 'Second reading'],
  ['PassedHouseThirdReadingDateTime', 'lower', 'Third reading'],
  ['PassedSenateFirstReadingDateTime', 'upper', 'First reading'],
  ['PassedSenateSecondReadingDateTime', 'upper', 'Second reading'],
  ['PassedSenateThirdReadingDateTime', 'upper', 'Third reading'],
] as const;

/** Readings and royal assent from their completion dates, plus the latest event if it adds a day. */
const actionsOf = (b: Node): CaAction[] => {
  const actions: CaAction[] = [];
  for (const [field, chamber, stage] of READINGS) {
    const date = dateTime(b[field]);
    if (date) actions.push({ date, text: `${stage} in the ${CHAMBER_NAME[chamber]}`, chamber, stage });
  }
  const assent = dateTime(b.ReceivedRoyalAssentDateTime);
  if (assent) actions.push({ date: assent, text: 'Royal assent', chamber: null, stage: 'Royal assent' });
  const latest = dateTime(b.LatestBillEventDateTime);
  const latestText = asText(b.LatestBillEventTypeNameEn);
  const latestChamber = CHAMBER[asText(b.LatestBillEventChamberNameEn) ?? ''] ?? null;
  const sameDay = (a: CaAction) =>
    a.chamber === latestChamber && a.date.slice(0, 10) === latest?.slice(0, 10);
  if (latest && latestText && !actions.some(sameDay)) {
    actions.push({ date: latest, text: latestText, chamber: latestChamber, stage: null });
  }
  return actions.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
};

/** Royal assent is law; "defeated" and similar endings fail; otherwise how far third reading got. */
const statusOf = (b: Node): BillStatus => {
  if (dateTime(b.ReceivedRoyalAssentDateTime) || asText(b.ReceivedRoyalAssent) === 'true') return 'enacted';
  if (/defeated|not proceeded|withdrawn/i.test(asText(b.StatusNameEn) ?? '')) return 'failed';
  const lower = dateTime(b.PassedHouseThirdReadingDateTime) !== null;
  const upper = dateTime(b.PassedSenateThirdReadingDateTime) !== null;
  if (lower && upper) return 'passed_both';
  if (lower) return 'passed_lower';
  if (upper) return 'passed_upper';
  return 'introduced';
};

const titlesOf = (b: Node) =>
  (
    [
      ['Long title', b.LongTitleEn, 'en'],
      ['Long title', b.LongTitleFr, 'fr'],
      ['Short title', b.ShortTitleEn, 'en'],
      ['Short title', b.ShortTitleFr, 'fr'],
    ] as const
  )
    .map(([type, text, lang]) => ({ type, text: asText(text), lang }))
    .filter(
      (t): t is { type: 'Long title' | 'Short title'; text: string; lang: 'en' | 'fr' } => t.text !== null,
    );

/**
 * One LEGISinfo bill record (the JSON and the XML export carry the same fields) to a RecordBill. The number
 * comes from `NumberCode` (C-1, S-290): the separate prefix and number fields are blank in some exports.
 */
export const caBill = (b: Node): RecordBillInput => {
  const code = required(b.NumberCode, 'NumberCode');
  const m = /^([A-Za-z]+)-(\d+[A-Za-z]?)$/.exec(code);
  if (!m) throw new Error(`NumberCode '${code}' is not like C-1 or S-290`);
  const type = m[1]!.toLowerCase();
  const session = `${required(b.ParliamentNumber, 'ParliamentNumber')}-${required(b.SessionNumber, 'SessionNumber')}`;
  const originChamber =
    CHAMBER[asText(b.OriginatingChamberNameEn) ?? ''] ??
    (type === 'c' ? 'lower' : type === 's' ? 'upper' : null);
  const firstReading = dateTime(
    originChamber === 'upper' ? b.PassedSenateFirstReadingDateTime : b.PassedHouseFirstReadingDateTime,
  );
  const sponsorId = asText(b.SponsorPersonId);
  const sponsorName = asText(b.SponsorPersonName);
  const summary = asText(b.ShortLegislativeSummaryEn);
  const year = asText(b.StatuteYear);
  const chapter = asText(b.StatuteChapter);
  return {
    type: 'RecordBill',
    data: {
      jurisdiction: 'ca',
      session,
      type,
      number: m[2]!,
      originChamber,
      introducedDate: firstReading?.slice(0, 10) ?? null,
      title: required(asText(b.LongTitleEn) ?? asText(b.ShortTitleEn), 'LongTitleEn (or ShortTitleEn)'),
      titles: titlesOf(b),
      summary: summary ? cleanSummary(summary) : null,
      sponsor: sponsorName
        ? {
            ref: sponsorId ? { scheme: 'ca-person', id: sponsorId } : null,
            name: sponsorName,
            party: null,
            region: asText(b.SponsorConstituencyNameEn),
          }
        : null,
      actions: actionsOf(b),
      status: statusOf(b),
      statusText: asText(b.StatusNameEn),
      laws: year && chapter ? [{ type: 'Statutes of Canada', number: `${year}, c. ${chapter}` }] : [],
      url: null,
    },
  };
};

const position = (b: Node, i: number) => {
  const code = asText(b.NumberCode);
  return code ? `record ${i + 1} (${code})` : `record ${i + 1}`;
};

/** A LEGISinfo JSON export: a list of bills (or a single one). */
export const parseCaBillsJson = (json: unknown): Parsed[] =>
  parseEach((Array.isArray(json) ? json : [json]).map(asNode), caBill, position);

/** A LEGISinfo XML export: <Bills><Bill>...</Bill></Bills>. */
export const parseCaBillsXml = (xml: string): Parsed[] =>
  parseEach(
    asList(asNode(parseXml(xml, { arrays: new Set(['Bill']) }).Bills).Bill).map(asNode),
    caBill,
    position,
  );
