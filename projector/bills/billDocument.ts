import type { BillRecorded } from '../../command/bill/bill.ts';

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
  const actions = [...(state?.actions ?? [])].sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : 0,
  );
  const latest = actions.at(-1) ?? null;
  const lastVote = votes.at(-1) ?? null;
  const latestActionDate = [day(latest?.date), day(lastVote?.date)].filter(Boolean).sort().at(-1) ?? null;
  const title = state?.title ?? stubTitle ?? id;
  const status = state?.status ?? 'unknown';
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
    introducedDate: document.introducedDate,
    latestAction: document.latestAction,
    latestActionDate,
    sponsor: document.sponsor ? { name: document.sponsor.name, party: document.sponsor.party } : null,
    voteCount: votes.length,
  };
  return { document, listItem, latestActionDate };
};
