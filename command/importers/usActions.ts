import type { Chamber } from '../contract/primitives.ts';
import { plainText } from './summaryHtml.ts';
import { asList, asNode, asText, type Node } from './values.ts';

export type UsAction = { date: string; text: string; chamber: Chamber | null; stage: string | null };
export type UsRecordedVote = {
  session: string;
  year: number | null;
  chamber: Chamber;
  number: number;
  date: string | null;
};

const CHAMBER_NAME: Record<string, Chamber> = { House: 'lower', Senate: 'upper' };

/** Library of Congress action codes are numbered by chamber: House 1000-9999, Senate 10000-19499, ... */
const locCodeChamber = (code: number): Chamber | null => {
  if (code >= 1000 && code < 10_000) return 'lower';
  if (code >= 10_000 && code < 19_500) return 'upper';
  if (code >= 19_500 && code < 20_000) return 'lower'; // resolving differences, House actions
  if (code >= 20_000 && code < 21_000) return 'upper'; // resolving differences, Senate actions
  return null; // the President, or codes outside the published list
};

/** House systems (codes 1, 2) and the Senate say who acted; the Library of Congress (9) speaks for both. */
const actionChamber = (source: Node, code: string | null): Chamber | null => {
  const system = asText(source.code);
  if (system === '1' || system === '2') return 'lower';
  if (asText(source.name) === 'Senate') return 'upper';
  if (code === 'Intro-H') return 'lower';
  if (code === 'Intro-S') return 'upper';
  return code && /^\d+$/.test(code) ? locCodeChamber(Number(code)) : null;
};

/** Roll-call years follow the session: Congress n sits in 1787 + 2n (first session) and the year after. */
const sessionYear = (congress: string | null, session: string | null) =>
  congress && session && /^\d+$/.test(congress) && /^\d+$/.test(session)
    ? 1787 + 2 * Number(congress) + Number(session) - 1
    : null;

const recordedVote = (v: unknown): UsRecordedVote | null => {
  const n = asNode(v);
  const chamber = CHAMBER_NAME[asText(n.chamber) ?? ''];
  const number = Number(asText(n.rollNumber));
  const congress = asText(n.congress);
  if (!chamber || !congress || !Number.isInteger(number) || number <= 0) return null;
  return {
    session: congress,
    year: sessionYear(congress, asText(n.sessionNumber)),
    chamber,
    number,
    date: asText(n.date),
  };
};

/**
 * BILLSTATUS actions, newest first in the source, to oldest-first actions; and the roll calls they cite, once
 * each (the same roll call is attached to the floor action and to the Library of Congress summary action).
 */
export const readUsActions = (items: readonly unknown[]) => {
  const actions: UsAction[] = [];
  const codes: string[] = [];
  const types: string[] = [];
  const votes = new Map<string, UsRecordedVote>();
  for (const item of [...items].reverse()) {
    const a = asNode(item);
    const day = asText(a.actionDate);
    // Served and shown as text: discharge petitions come with an `<a href=...>` to the Clerk's page in them.
    const raw = asText(a.text);
    const text = raw === null ? null : plainText(raw);
    if (!day || !text) continue; // BILLSTATUS pads some lists with empty items
    const time = asText(a.actionTime);
    const code = asText(a.actionCode);
    const type = asText(a.type);
    if (code) codes.push(code);
    if (type) types.push(type);
    actions.push({
      date: time && /^\d{2}:\d{2}(:\d{2})?$/.test(time) ? `${day}T${time}` : day,
      text,
      chamber: actionChamber(asNode(a.sourceSystem), code),
      stage: code ?? type,
    });
    for (const rv of asList(asNode(a.recordedVotes).recordedVote)) {
      const vote = recordedVote(rv);
      if (vote) votes.set(`${vote.chamber}|${vote.session}|${vote.year}|${vote.number}`, vote);
    }
  }
  // Stable sort: same-day actions keep the source's order within the day.
  actions.sort((x, y) =>
    x.date.slice(0, 10) < y.date.slice(0, 10) ? -1 : x.date.slice(0, 10) > y.date.slice(0, 10) ? 1 : 0,
  );
  return { actions, codes, types, recordedVotes: [...votes.values()] };
};
