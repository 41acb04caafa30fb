import type { BillRecorded } from '../../command/bill/bill.ts';
import { billLabelOfId } from './billLabel.ts';

type BillState = BillRecorded['data'];
export type VoteSummary = Readonly<{
  id: string;
  date: string;
  question: string;
  result: string;
  totals?: { yea: number; nay: number };
}>;

const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : null);

/**
 * A bill's detail document and list entry, from its status record (if it has arrived yet) and the roll calls
 * that name it. A vote can arrive before its bill: the bill is then a stub built from the vote's reference.
 */
export const billDocument = (
  id: string,
  state: BillState | null,
  votes: readonly VoteSummary[],
  stubTitle: string | null,
) => {
  // Days only, and stable: within a day the record's order is the source's (BILLSTATUS gives some actions a
  // time and others not, so "2021-09-30" must not sort before "2021-09-30T15:45:13" of the same day).
  const actions = [...(state?.actions ?? [])].sort((a, b) => {
    const x = a.date.slice(0, 10);
    const y = b.date.slice(0, 10);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const latest = actions.at(-1) ?? null;
  const lastVote = votes.at(-1) ?? null;
  const latestActionDate = [day(latest?.date), day(lastVote?.date)].filter(Boolean).sort().at(-1) ?? null;
  // A stub is named by the title the vote reported, else by its label ("C-223"), never by its id.
  const title = state?.title ?? stubTitle ?? billLabelOfId(id) ?? id;
  const status = state?.status ?? 'unknown';
  // The legislature's own wording ("At second reading in the Senate"): the neutral status alone loses it.
  const statusText = state?.statusText ?? null;
  const document = {
    id,
    stub: state === null,
    jurisdiction: state?.jurisdiction ?? id.split('-')[0],
    session: state?.session ?? null,
    type: state?.type ?? null,
    number: state?.number ?? null,
    title,
    titles: state?.titles ?? [],
    originChamber: state?.originChamber ?? null,
    introducedDate: state?.introducedDate ?? null,
    status,
    statusText,
    latestAction: latest ? { date: latest.date, text: latest.text } : null,
    summary: state?.summary ?? null,
    sponsor: state?.sponsor ?? null,
    cosponsors: state?.cosponsors ?? [],
    policyArea: state?.policyArea ?? null,
    subjects: state?.subjects ?? [],
    actions,
    laws: state?.laws ?? [],
    url: state?.url ?? null,
    voteCount: votes.length,
    votes,
  };
  const listItem = {
    id,
    title,
    status,
    statusText,
    introducedDate: document.introducedDate,
    latestAction: document.latestAction,
    latestActionDate,
    sponsor: document.sponsor ? { name: document.sponsor.name, party: document.sponsor.party } : null,
    voteCount: votes.length,
  };
  return { document, listItem, latestActionDate };
};
