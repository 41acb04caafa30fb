import type { z } from 'zod/v4';
import type { RecordBill } from '../bill/bill.ts';
import type { Chamber } from '../contract/primitives.ts';
import { deriveUsStatus } from './deriveUsStatus.ts';
import { cleanSummary } from './summaryHtml.ts';
import { readUsActions } from './usActions.ts';
import { asList, asNode, asText, type Node, required } from './values.ts';
import { parseXml } from './xml.ts';

type RecordBillInput = z.input<typeof RecordBill>;

const B = 'billStatus.bill';

/** BILLSTATUS v3, and the v1 shape (`billSummaries`, `billSubjects`) still found in a few files. */
const SHAPE = {
  // In BILLSTATUS every <item> is a list entry (titles, sponsors, actions, laws, subjects...).
  arrays: new Set(['item', 'summary', 'recordedVote']),
  // Large subtrees the bill record does not use; skipping them saves a quarter of the parse time.
  skip: [
    `${B}.amendments`,
    `${B}.committees`,
    `${B}.relatedBills`,
    `${B}.textVersions`,
    `${B}.cboCostEstimates`,
    `${B}.committeeReports`,
    `${B}.constitutionalAuthorityStatementText`,
    `${B}.actions.item.committees`,
  ],
};

const CHAMBER: Record<string, Chamber> = { House: 'lower', Senate: 'upper' };

const person = (v: unknown) => {
  const p = asNode(v);
  const id = asText(p.bioguideId);
  return {
    ref: id ? { scheme: 'bioguide', id } : null,
    name: required(p.fullName, 'fullName'),
    party: asText(p.party),
    region: asText(p.state),
  };
};

/** The most advanced summary: latest legislative action first, then the latest revision of it. */
const latestSummary = (summaries: Node) => {
  const all = [...asList(summaries.summary), ...asList(asNode(summaries.billSummaries).item)].map(asNode);
  const key = (s: Node) => `${asText(s.actionDate) ?? ''}|${asText(s.updateDate) ?? ''}`;
  const latest = all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).at(-1);
  const clean = latest ? cleanSummary(asText(latest.text) ?? '') : null;
  return clean && latest ? { ...clean, date: asText(latest.actionDate) } : null;
};

const subjectsOf = (subjects: Node) =>
  [
    ...asList(asNode(subjects.legislativeSubjects).item),
    ...asList(asNode(asNode(subjects.billSubjects).legislativeSubjects).item),
  ]
    .map((s) => asText(asNode(s).name))
    .filter((s): s is string => s !== null);

/**
 * One BILLSTATUS XML file (GPO bulk data, v3; v1 read too) to a RecordBill. The title is `bill/title`:
 * the first <title> in the file can belong to a related bill.
 */
export const parseUsBillStatus = (xml: string): RecordBillInput => {
  const bill = asNode(asNode(parseXml(xml, SHAPE).billStatus).bill);
  if (Object.keys(bill).length === 0) throw new Error('no <billStatus><bill> element');
  const congress = required(bill.congress, 'bill/congress');
  const { actions, codes, types, recordedVotes } = readUsActions(asList(asNode(bill.actions).item));
  const laws = asList(asNode(bill.laws).item)
    .map(asNode)
    .map((l) => ({ type: asText(l.type), number: asText(l.number) }))
    .filter((l): l is { type: string; number: string } => l.type !== null && l.number !== null);
  const sponsor = asList(asNode(bill.sponsors).item)[0];
  return {
    type: 'RecordBill',
    data: {
      jurisdiction: 'us',
      session: congress,
      type: required(bill.type ?? bill.billType, 'bill/type').toLowerCase(),
      number: required(bill.number ?? bill.billNumber, 'bill/number'),
      originChamber: CHAMBER[asText(bill.originChamber) ?? ''] ?? null,
      introducedDate: asText(bill.introducedDate),
      title: required(bill.title, 'bill/title'),
      titles: asList(asNode(bill.titles).item)
        .map(asNode)
        .map((t) => ({ type: asText(t.titleType), text: asText(t.title) ?? '', lang: 'en' as const }))
        .filter((t) => t.text !== ''),
      summary: latestSummary(asNode(bill.summaries)),
      sponsor: sponsor === undefined ? null : person(sponsor),
      // A withdrawn cosponsor no longer cosponsors the bill.
      cosponsors: asList(asNode(bill.cosponsors).item)
        .filter((c) => asText(asNode(c).sponsorshipWithdrawnDate) === null)
        .map((c) => ({ ...person(c), date: asText(asNode(c).sponsorshipDate) })),
      policyArea: asText(asNode(bill.policyArea).name),
      subjects: subjectsOf(asNode(bill.subjects)),
      actions,
      status: deriveUsStatus(codes, types, laws.length),
      statusText: null,
      laws,
      recordedVotes,
      url: null,
    },
  };
};
